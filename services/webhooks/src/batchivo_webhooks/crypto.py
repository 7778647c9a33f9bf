"""Envelope encryption of the endpoints' signing secrets (docs/adr/0019-webhooks.md).

Each endpoint has its own random 256-bit data key; AES-GCM with it encrypts the secret (and, for 24 h after
a rotation, the previous secret). The data key is stored wrapped (AES-GCM) by a key-encryption key (KEK)
from ``WEBHOOKS_ENCRYPTION_KEYS``, with the KEK's id beside it, so a KEK can be replaced by rewrapping the
data keys alone (``python -m batchivo_webhooks.rotate_keys``) without touching a secret.

Stored per endpoint: ``secret_key_id`` (the KEK id), ``secret_wrapped_key`` (12-byte nonce + wrapped data
key + tag), ``secret_nonce`` and ``secret_ciphertext`` (the secret under the data key). The additional
authenticated data binds a wrapped key to its KEK id and endpoint, and a ciphertext to its endpoint and
purpose, so rows cannot be swapped to decrypt one endpoint's secret as another's.

Pure functions over bytes; nothing here logs.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class KeyringError(ValueError):
    """A malformed ``WEBHOOKS_ENCRYPTION_KEYS`` entry, or a key id that is not configured."""


class DecryptionFailed(ValueError):
    """A stored value did not authenticate under its key (tampered, or the wrong key)."""


@dataclass(frozen=True)
class Keyring:
    """The KEKs by id, in configured order; ``current`` (the first) wraps new and rewrapped data keys."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyringError("no key-encryption key is configured")
        ids = [key_id for key_id, _ in self.keys]
        if len(set(ids)) != len(ids):
            raise KeyringError("key ids in WEBHOOKS_ENCRYPTION_KEYS must be unique")

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def key(self, key_id: str) -> bytes:
        for candidate, key in self.keys:
            if candidate == key_id:
                return key
        raise KeyringError(f"key id {key_id!r} is not in WEBHOOKS_ENCRYPTION_KEYS")

    def __repr__(self) -> str:  # never the key material
        return f"Keyring(ids={[key_id for key_id, _ in self.keys]})"


def parse_key(entry: str) -> tuple[str, bytes]:
    """``"<key-id>:<base64 of 32 bytes>"`` → ``(key_id, key)``. The error never echoes the key."""
    key_id, sep, encoded = entry.strip().partition(":")
    if not sep or not _KEY_ID.match(key_id):
        raise KeyringError("each encryption key must look like <key-id>:<base64 of 32 bytes>")
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError):
        raise KeyringError(f"encryption key {key_id!r} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyringError(f"encryption key {key_id!r} must decode to {KEY_BYTES} bytes")
    return key_id, key


def parse_keyring(entries: Sequence[str]) -> Keyring:
    return Keyring(tuple(parse_key(entry) for entry in entries))


def new_key_entry(key_id: str) -> str:
    """A fresh ``<key-id>:<base64>`` entry (what an operator puts first in the list to rotate)."""
    if not _KEY_ID.match(key_id):
        raise KeyringError("a key id is 1-64 letters, digits, '_', '.' or '-'")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def dev_keyring(path: Path) -> Keyring:
    """The development KEK kept in ``path`` (generated there, mode 0600, on first use)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written to a private temporary file, then linked into place: the API and the worker of
        # `make run` start together, and the one that loses the race reads the winner's whole key.
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key_entry("dev1") + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return parse_keyring(lines)


def _wrap_aad(key_id: str, endpoint_id: uuid.UUID) -> bytes:
    return f"batchivo-webhooks:data-key:{key_id}:{endpoint_id}".encode()


def _secret_aad(endpoint_id: uuid.UUID, purpose: str) -> bytes:
    return f"batchivo-webhooks:{purpose}:{endpoint_id}".encode()


@dataclass(frozen=True)
class WrappedKey:
    key_id: str
    wrapped: bytes  # nonce + AES-GCM(KEK) of the data key

    def __repr__(self) -> str:
        return f"WrappedKey(key_id={self.key_id!r})"


@dataclass(frozen=True)
class Sealed:
    nonce: bytes
    ciphertext: bytes

    def __repr__(self) -> str:
        return "Sealed(...)"


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def wrap(keyring: Keyring, endpoint_id: uuid.UUID, data_key: bytes) -> WrappedKey:
    """``data_key`` wrapped by the current KEK."""
    key_id = keyring.current_id
    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(keyring.key(key_id)).encrypt(nonce, data_key, _wrap_aad(key_id, endpoint_id))
    return WrappedKey(key_id, nonce + wrapped)


def unwrap(keyring: Keyring, endpoint_id: uuid.UUID, wrapped: WrappedKey) -> bytes:
    kek = keyring.key(wrapped.key_id)
    nonce, body = wrapped.wrapped[:NONCE_BYTES], wrapped.wrapped[NONCE_BYTES:]
    try:
        return AESGCM(kek).decrypt(nonce, body, _wrap_aad(wrapped.key_id, endpoint_id))
    except InvalidTag:
        raise DecryptionFailed("the data key did not authenticate under its key-encryption key") from None


def rewrap(keyring: Keyring, endpoint_id: uuid.UUID, wrapped: WrappedKey) -> WrappedKey:
    """The same data key, wrapped by the current KEK (unchanged if it already is)."""
    if wrapped.key_id == keyring.current_id:
        return wrapped
    return wrap(keyring, endpoint_id, unwrap(keyring, endpoint_id, wrapped))


def seal(data_key: bytes, endpoint_id: uuid.UUID, plaintext: str, purpose: str = "secret") -> Sealed:
    nonce = os.urandom(NONCE_BYTES)
    body = AESGCM(data_key).encrypt(nonce, plaintext.encode(), _secret_aad(endpoint_id, purpose))
    return Sealed(nonce, body)


def open_sealed(data_key: bytes, endpoint_id: uuid.UUID, sealed: Sealed, purpose: str = "secret") -> str:
    try:
        plain = AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, _secret_aad(endpoint_id, purpose))
    except InvalidTag:
        raise DecryptionFailed("a stored secret did not authenticate under its data key") from None
    return plain.decode()
