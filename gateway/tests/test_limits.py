"""Request body limits (size, and the nesting of the JSON the gateway parses) through a real gateway."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from batchivo_common.testing.raw_http import raw_request
from batchivo_gateway import routing
from batchivo_gateway.limits import json_depth_exceeds

if TYPE_CHECKING:
    from conftest import UpstreamState

MiB = 1024 * 1024


async def test_a_10_mib_body_to_a_public_route_is_413_before_it_is_read(
    gateway_url: str, upstream_state: UpstreamState
) -> None:
    """Only the head is sent: the gateway answers without waiting for the 10 MiB it announces."""
    response = await raw_request(
        gateway_url,
        f"POST /api/v1/auth/refresh HTTP/1.1\nHost: gw\nContent-Type: application/json\n"
        f"Content-Length: {10 * MiB}",
        b'{"refresh_token": "',
    )
    assert response.status == 413
    assert response.headers["content-type"].startswith("application/json")
    body = json.loads(response.body)
    assert body["code"] == "PAYLOAD_TOO_LARGE"
    assert body["status_code"] == 413
    assert str(MiB) in body["detail"]
    assert upstream_state.echoes == []


async def test_a_protected_route_refuses_the_size_before_the_token(
    gateway_url: str, upstream_state: UpstreamState
) -> None:
    response = await raw_request(
        gateway_url, f"PUT /api/v1/spools/x HTTP/1.1\nHost: gw\nContent-Length: {2 * MiB}"
    )
    assert response.status == 413
    assert json.loads(response.body)["code"] == "PAYLOAD_TOO_LARGE"
    assert upstream_state.echoes == []


async def test_a_chunked_body_past_the_limit_is_413_and_the_upstream_request_is_aborted(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    url = start_gateway(max_body_bytes=4096)

    async def body(chunks: int) -> AsyncIterator[bytes]:
        for _ in range(chunks):
            yield b"x" * 2048

    response = await client.post(f"{url}/api/v1/spools/import", headers=bearer(), content=body(3))
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    await asyncio.sleep(0.2)  # give the upstream time to record what it received, if anything
    assert upstream_state.echoes == []
    # Up to the limit, a chunked body streams through.
    fits = await client.post(f"{url}/api/v1/spools/import", headers=bearer(), content=body(2))
    assert fits.status_code == 200, fits.text
    assert len(fits.json()["body"]) == 4096


async def test_upload_routes_take_the_larger_limit(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    url = start_gateway(max_body_bytes=64 * 1024, max_upload_bytes=256 * 1024)
    image = b"\x89PNG" + b"\x00" * (200 * 1024)
    files = {"file": ("spool.png", image, "image/png")}
    uploaded = await client.post(f"{url}/api/v1/products/p-1/images", headers=bearer(), files=files)
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["headers"]["content-type"][0].startswith("multipart/form-data")
    # The same size elsewhere, and more than the upload limit on the upload route, are refused.
    assert_error(
        await client.post(f"{url}/api/v1/products/p-1", headers=bearer(), files=files),
        413,
        "PAYLOAD_TOO_LARGE",
    )
    big = {"file": ("big.png", b"\x00" * (300 * 1024), "image/png")}
    assert_error(
        await client.post(f"{url}/api/v1/products/p-1/images", headers=bearer(), files=big),
        413,
        "PAYLOAD_TOO_LARGE",
    )
    assert len(upstream_state.echoes) == 1


def test_upload_routes_are_the_product_image_routes() -> None:
    assert routing.is_upload("POST", "/api/v1/products/3f2a/images")
    assert not routing.is_upload("GET", "/api/v1/products/3f2a/images")
    assert not routing.is_upload("POST", "/api/v1/products/3f2a/images/extra")
    assert not routing.is_upload("POST", "/api/v1/products/images")
    assert not routing.is_upload("POST", "/api/v1/spools/3f2a/images")


@pytest.mark.parametrize(
    "body",
    [
        b'{"email": ' + b"[" * 5000 + b"]" * 5000 + b', "password": "x"}',
        b"[" * 60000,  # unclosed, within the login body limit
        b'{"a": ' * 40 + b"1" + b"}" * 40,
    ],
)
async def test_deeply_nested_json_to_login_is_422_not_500(
    gateway_url: str,
    client: httpx.AsyncClient,
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
    body: bytes,
) -> None:
    response = await client.post(
        f"{gateway_url}/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"}
    )
    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["errors"] == [
        {"loc": ["body"], "msg": "JSON nested deeper than 32 levels", "type": "json_too_deep"}
    ]
    assert upstream_state.echoes == []


async def test_login_json_within_the_depth_limit_and_bad_json_reach_auth(
    gateway_url: str, client: httpx.AsyncClient, upstream_state: UpstreamState
) -> None:
    nested = {"email": "a@example.com", "password": "x", "meta": [[[[{"b": [1]}]]]], "s": "[[[[" * 100}
    ok = await client.post(f"{gateway_url}/api/v1/auth/login", json=nested)
    assert ok.status_code == 200, ok.text
    bad = await client.post(
        f"{gateway_url}/api/v1/auth/register",
        content=b'{"email": "a@example.com", "password": ',
        headers={"Content-Type": "application/json"},
    )
    assert bad.status_code == 200, bad.text  # the (fake) service decides about invalid JSON
    assert len(upstream_state.echoes) == 2


@pytest.mark.parametrize(
    ("body", "limit", "exceeds"),
    [
        (b"{}", 1, False),
        (b"[[]]", 1, True),
        (b"[[]]", 2, False),
        (b'{"a": "[[[[[[[[[["}', 1, False),  # brackets in strings do not nest
        (b'{"a": "\\"[[[["}', 1, False),  # nor after an escaped quote
        (b'{"a": [1, {"b": [2]}]}', 4, False),
        (b'{"a": [1, {"b": [2]}]}', 3, True),
        (b"[]" * 1000, 1, False),  # wide, not deep
        (b"[" * 33, 32, True),
        (b"not json at all [[[", 2, True),
        (b"\xff\xfe[", 1, False),
    ],
)
def test_json_depth(body: bytes, limit: int, exceeds: bool) -> None:
    assert json_depth_exceeds(body, limit) is exceeds
