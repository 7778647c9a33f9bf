"""Envelope encryption of the signing secrets, and key rotation by rewrapping."""

from __future__ import annotations

import base64
import uuid

import pytest
from batchivo_webhooks.crypto import (
    DecryptionFailed,
    KeyringError,
    Sealed,
    WrappedKey,
    dev_keyring,
    new_data_key,
    new_key_entry,
    open_sealed,
    parse_keyring,
    rewrap,
    seal,
    unwrap,
    wrap,
)

OLD = new_key_entry("k1")
NEW = new_key_entry("k2")


def test_round_trip_and_binding_to_the_endpoint() -> None:
    ring = parse_keyring([OLD])
    endpoint = uuid.uuid4()
    data_key = new_data_key()
    wrapped = wrap(ring, endpoint, data_key)
    sealed = seal(data_key, endpoint, "whsec_abc")
    assert wrapped.key_id == "k1" and data_key not in wrapped.wrapped
    assert b"whsec_abc" not in sealed.ciphertext
    assert open_sealed(unwrap(ring, endpoint, wrapped), endpoint, sealed) == "whsec_abc"
    with pytest.raises(DecryptionFailed):
        unwrap(ring, uuid.uuid4(), wrapped)  # a wrapped key moved to another endpoint
    with pytest.raises(DecryptionFailed):
        open_sealed(data_key, uuid.uuid4(), sealed)
    with pytest.raises(DecryptionFailed):
        open_sealed(data_key, endpoint, Sealed(sealed.nonce, sealed.ciphertext[:-1] + b"x"))


def test_rotation_rewraps_with_the_first_key_and_the_old_key_can_go() -> None:
    endpoint = uuid.uuid4()
    data_key = new_data_key()
    wrapped = wrap(parse_keyring([OLD]), endpoint, data_key)
    both = parse_keyring([NEW, OLD])
    assert unwrap(both, endpoint, wrapped) == data_key  # the old key still reads before the rewrap
    rewrapped = rewrap(both, endpoint, wrapped)
    assert rewrapped.key_id == "k2"
    assert rewrap(both, endpoint, rewrapped) is rewrapped  # already current: untouched
    assert unwrap(parse_keyring([NEW]), endpoint, rewrapped) == data_key
    with pytest.raises(KeyringError):
        unwrap(parse_keyring([NEW]), endpoint, wrapped)  # not rewrapped, old key removed


@pytest.mark.parametrize(
    "entry",
    [
        "nocolon",
        "bad id!:" + base64.b64encode(bytes(32)).decode(),
        "k:" + base64.b64encode(bytes(16)).decode(),
        "k:***",
    ],
)
def test_malformed_keys_are_refused_without_echoing_them(entry: str) -> None:
    with pytest.raises(KeyringError) as error:
        parse_keyring([entry])
    assert entry.partition(":")[2] not in str(error.value) or entry.partition(":")[2] == ""


def test_duplicate_ids_and_empty_rings_are_refused() -> None:
    with pytest.raises(KeyringError):
        parse_keyring([OLD, OLD])
    with pytest.raises(KeyringError):
        parse_keyring([])


def test_reprs_hide_the_material() -> None:
    ring = parse_keyring([OLD])
    assert OLD.partition(":")[2] not in repr(ring)
    assert "wrapped" not in repr(WrappedKey("k1", b"\x01" * 40))


def test_the_dev_key_is_generated_once_private(tmp_path) -> None:
    path = tmp_path / "var" / "key"
    first = dev_keyring(path)
    assert (path.stat().st_mode & 0o777) == 0o600
    assert dev_keyring(path).keys == first.keys
