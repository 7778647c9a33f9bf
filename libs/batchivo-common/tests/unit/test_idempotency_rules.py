"""The pure parts of idempotency keys: validation, scoping, fingerprints, what is kept (no server)."""

import uuid

import pytest
from batchivo_common.idempotency import (
    IdempotencyKeyInvalid,
    StoredResponse,
    canonical_body,
    done_record,
    fingerprint,
    keeps,
    scoped_key,
    stored_response,
    validate_key,
)

TENANT, OTHER_TENANT, USER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def key(**overrides: object) -> str:
    parts: dict[str, object] = {
        "tenant_id": TENANT,
        "user_id": USER,
        "method": "POST",
        "route": "/api/v1/spools/{spool_id}/use",
        "key": "k-1",
    }
    parts.update(overrides)
    return scoped_key("p:", **parts)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["a", "0d9c5e0e-6f53-4b8e-9d0b-1a2b3c4d5e6f", "x" * 255, "A~!_.:/="])
def test_visible_ascii_keys_up_to_255_are_accepted(raw: str) -> None:
    assert validate_key(raw) == raw


@pytest.mark.parametrize("raw", ["", "x" * 256, "has space", "tab\t", "ünï", "line\n"])
def test_empty_long_or_non_visible_keys_are_refused(raw: str) -> None:
    with pytest.raises(IdempotencyKeyInvalid) as caught:
        validate_key(raw)
    assert caught.value.status_code == 422
    assert caught.value.code == "IDEMPOTENCY_KEY_INVALID"


def test_the_same_key_is_one_slot_only_for_one_tenant_user_method_and_route() -> None:
    assert key() == key()
    assert key().startswith("p:idem:")
    variants = {
        key(tenant_id=OTHER_TENANT),
        key(user_id=uuid.uuid4()),
        key(method="PUT"),
        key(route="/api/v1/spools/{spool_id}/weigh"),
        key(key="k-2"),
    }
    assert key() not in variants
    assert len(variants) == 5


def test_scoping_parts_cannot_bleed_into_each_other() -> None:
    assert key(route="/a|b", key="c") != key(route="/a", key="b|c")


def test_fingerprint_covers_method_path_query_and_exact_body() -> None:
    base = fingerprint("POST", "/spools/1/use", "", b'{"grams":10}')
    assert base == fingerprint("post", "/spools/1/use", "", b'{"grams":10}')
    others = {
        fingerprint("POST", "/spools/2/use", "", b'{"grams":10}'),
        fingerprint("POST", "/spools/1/use", "dry=1", b'{"grams":10}'),
        fingerprint("POST", "/spools/1/use", "", b'{"grams":11}'),
        fingerprint("POST", "/spools/1/use", "", b'{"grams": 10}'),
        # The length prefix keeps the path/query boundary: "/a" + "b" is not "/ab" + "".
        fingerprint("POST", "/spools/1/us", "e", b'{"grams":10}'),
    }
    assert base not in others
    assert len(others) == 5


@pytest.mark.parametrize("status", [200, 201, 204, 400, 404, 410, 413, 422])
def test_successes_and_request_mistakes_are_kept(status: int) -> None:
    assert keeps(status)


@pytest.mark.parametrize("status", [401, 403, 408, 409, 423, 425, 429, 500, 502, 503, 504])
def test_transient_refusals_and_server_errors_release_the_key(status: int) -> None:
    assert not keeps(status)


def test_a_kept_response_keeps_only_replayable_headers_and_round_trips() -> None:
    stored = StoredResponse.capture(
        201,
        [
            (b"content-type", b"application/json"),
            (b"Location", b"/api/v1/spools/1"),
            (b"x-request-id", b"abc"),
            (b"content-length", b"2"),
        ],
        b"\x00{}\xff",
    )
    assert stored.headers == (("content-type", "application/json"), ("Location", "/api/v1/spools/1"))
    assert stored_response(done_record("fp", stored)) == stored
    replay = stored.to_response()
    assert replay.status_code == 201
    assert replay.body == b"\x00{}\xff"
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.headers["location"] == "/api/v1/spools/1"


def test_a_multipart_body_is_fingerprinted_without_its_random_boundary() -> None:
    def form(boundary: str, payload: bytes) -> bytes:
        return (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'.encode()
            + payload
            + f"\r\n--{boundary}--\r\n".encode()
        )

    first = canonical_body("multipart/form-data; boundary=abc123", form("abc123", b"PNG"))
    retry = canonical_body('multipart/form-data; boundary="zz9"', form("zz9", b"PNG"))
    other = canonical_body("multipart/form-data; boundary=zz9", form("zz9", b"JPG"))
    assert first == retry
    assert first != other
    # Other bodies are fingerprinted byte for byte.
    assert canonical_body("application/json", b'{"a":"--abc123"}') == b'{"a":"--abc123"}'
    assert canonical_body(None, b"x") == b"x"
