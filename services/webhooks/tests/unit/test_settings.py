"""Settings: the test-only allowlist is refused in prod, the key list parses from the environment, and a
process outside dev refuses to start without a key-encryption key (dev generates one)."""

from __future__ import annotations

from typing import Any

import pytest
from batchivo_webhooks.crypto import new_key_entry
from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.vault import EncryptionKeyMissing, load_keyring
from pydantic import ValidationError

PROD_DSNS = {
    f"{name}": f"postgresql+asyncpg://webhooks_{role}:s3cr3t-value@db:5432/batchivo"
    for name, role in (
        ("database_url", "app"),
        ("owner_database_url", "owner"),
        ("relay_database_url", "relay"),
    )
}
#: Not the dev broker password (prod refuses development secrets before anything else).
PROD_DSNS["BATCHIVO_AMQP_URL"] = "amqp://batchivo:s3cr3t-value@mq:5672/"


def settings(environment: str, **values: Any) -> WebhooksSettings:
    extra = PROD_DSNS if environment == "prod" else {}
    return WebhooksSettings(environment=environment, **{**extra, **values})


def test_the_allowlist_is_refused_in_prod() -> None:
    with pytest.raises(ValidationError, match="tests only"):
        settings("prod", allow_private_hosts=["127.0.0.1"])
    assert settings("test", allow_private_hosts=["127.0.0.1", "[::1]"]).allow_private_hosts == [
        "127.0.0.1",
        "::1",
    ]


def test_keys_parse_from_a_comma_separated_environment_variable(monkeypatch) -> None:
    first, second = new_key_entry("k2"), new_key_entry("k1")
    monkeypatch.setenv("WEBHOOKS_ENCRYPTION_KEYS", f"{first}, {second}")
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE_HOSTS", "127.0.0.1,localhost")
    loaded = WebhooksSettings(environment="test")
    assert [k.get_secret_value() for k in loaded.encryption_keys] == [first, second]
    assert loaded.allow_private_hosts == ["127.0.0.1", "localhost"]
    assert first.split(":")[1] not in repr(loaded)  # secrets stay masked
    assert load_keyring(loaded).current_id == "k2"


def test_outside_dev_a_key_is_required_and_dev_generates_one(tmp_path) -> None:
    with pytest.raises(EncryptionKeyMissing):
        load_keyring(settings("prod"))
    with pytest.raises(EncryptionKeyMissing):
        load_keyring(settings("test"))
    dev = settings("dev", encryption_key_file=tmp_path / "key")
    assert load_keyring(dev).current_id == "dev1"
    assert (tmp_path / "key").exists()


def test_the_lease_must_outlast_an_attempt() -> None:
    with pytest.raises(ValidationError):
        settings("test", attempt_timeout_seconds=10, claim_lease_seconds=5)
