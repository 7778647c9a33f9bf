"""The signing secrets of endpoints: sealing a new one, rotating it, reading the ones that sign now.

The key-encryption keys come from ``WEBHOOKS_ENCRYPTION_KEYS`` (required outside dev; in dev a key is
generated into ``WEBHOOKS_ENCRYPTION_KEY_FILE`` on first run, like auth's dev signing key).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from batchivo_webhooks import crypto
from batchivo_webhooks.models import Endpoint
from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.signing import new_secret, secret_hint

log = logging.getLogger("batchivo.webhooks")


class EncryptionKeyMissing(RuntimeError):
    pass


def load_keyring(settings: WebhooksSettings) -> crypto.Keyring:
    if settings.encryption_keys:
        return crypto.parse_keyring([key.get_secret_value() for key in settings.encryption_keys])
    if settings.environment != "dev":
        raise EncryptionKeyMissing(
            "WEBHOOKS_ENCRYPTION_KEYS (<key-id>:<base64 of 32 bytes>, first = current) is required when "
            f"environment={settings.environment!r}"
        )
    path = settings.encryption_key_file
    existed = path.exists()
    keyring = crypto.dev_keyring(path)
    if not existed:
        log.warning("generated a development webhook encryption key in %s", path)
    return keyring


def _wrapped(endpoint: Endpoint) -> crypto.WrappedKey:
    return crypto.WrappedKey(endpoint.secret_key_id, endpoint.secret_wrapped_key)


def seal_new_secret(keyring: crypto.Keyring, endpoint: Endpoint) -> str:
    """Give ``endpoint`` (its id set) a fresh secret under a fresh data key; returns the secret."""
    secret = new_secret()
    data_key = crypto.new_data_key()
    wrapped = crypto.wrap(keyring, endpoint.id, data_key)
    sealed = crypto.seal(data_key, endpoint.id, secret)
    endpoint.secret_key_id, endpoint.secret_wrapped_key = wrapped.key_id, wrapped.wrapped
    endpoint.secret_nonce, endpoint.secret_ciphertext = sealed.nonce, sealed.ciphertext
    endpoint.secret_hint = secret_hint(secret)
    return secret


def rotate_secret(keyring: crypto.Keyring, endpoint: Endpoint, now: datetime, previous_for: timedelta) -> str:
    """A new secret for ``endpoint``; the current one becomes the previous one and keeps signing (as a
    second ``v1=`` value) until ``now + previous_for``. Returns the new secret."""
    data_key = crypto.unwrap(keyring, endpoint.id, _wrapped(endpoint))
    current = crypto.open_sealed(
        data_key, endpoint.id, crypto.Sealed(endpoint.secret_nonce, endpoint.secret_ciphertext)
    )
    secret = new_secret()
    sealed = crypto.seal(data_key, endpoint.id, secret)
    if previous_for.total_seconds() > 0:
        previous = crypto.seal(data_key, endpoint.id, current, purpose="previous-secret")
        endpoint.previous_secret_nonce, endpoint.previous_secret_ciphertext = (
            previous.nonce,
            previous.ciphertext,
        )
        endpoint.previous_secret_expires_at = now + previous_for
    else:
        endpoint.previous_secret_nonce = endpoint.previous_secret_ciphertext = None
        endpoint.previous_secret_expires_at = None
    endpoint.secret_nonce, endpoint.secret_ciphertext = sealed.nonce, sealed.ciphertext
    endpoint.secret_hint = secret_hint(secret)
    return secret


def signing_secrets(
    keyring: crypto.Keyring,
    endpoint_id: uuid.UUID,
    key_id: str,
    wrapped_key: bytes,
    nonce: bytes,
    ciphertext: bytes,
    previous_nonce: bytes | None,
    previous_ciphertext: bytes | None,
    previous_expires_at: datetime | None,
    now: datetime,
) -> list[str]:
    """The secrets that sign a request made at ``now``: the current one, then the previous one while it
    has not expired."""
    data_key = crypto.unwrap(keyring, endpoint_id, crypto.WrappedKey(key_id, wrapped_key))
    result = [crypto.open_sealed(data_key, endpoint_id, crypto.Sealed(nonce, ciphertext))]
    if (
        previous_nonce is not None
        and previous_ciphertext is not None
        and previous_expires_at is not None
        and now < previous_expires_at
    ):
        previous = crypto.Sealed(previous_nonce, previous_ciphertext)
        result.append(crypto.open_sealed(data_key, endpoint_id, previous, purpose="previous-secret"))
    return result
