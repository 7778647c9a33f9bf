"""Settings guards, signing-key loading, password hashing."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from batchivo_auth.main import SigningKeyMissing, load_signing_key, previous_public_keys
from batchivo_auth.settings import AuthSettings
from batchivo_auth.users.service import PasswordHasher
from batchivo_common.auth.tokens import SigningKey
from pydantic import SecretStr, ValidationError


def test_defaults_follow_the_domain() -> None:
    settings = AuthSettings(environment="dev")
    assert (settings.service_name, settings.db_schema) == ("auth", "auth")
    assert (settings.access_token_minutes, settings.refresh_token_days, settings.bcrypt_rounds) == (
        15,
        14,
        12,
    )
    assert settings.api_key_token_seconds == 300
    assert settings.api_key_cache_key("h") == f"{settings.redis_prefix}gateway:apikey:h"


def test_the_auth_prefix_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_DATABASE_URL", "postgresql+asyncpg://somewhere/db")
    monkeypatch.setenv("AUTH_REFRESH_TOKEN_DAYS", "7")
    settings = AuthSettings()
    assert settings.database_url == "postgresql+asyncpg://somewhere/db"
    assert settings.refresh_token_days == 7


def test_the_refresh_reuse_grace_window_is_configurable_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert AuthSettings(environment="dev").refresh_reuse_grace_seconds == 20
    monkeypatch.setenv("AUTH_REFRESH_REUSE_GRACE_SECONDS", "0")
    assert AuthSettings(environment="dev").refresh_reuse_grace_seconds == 0
    for bad in ("-1", "61"):
        monkeypatch.setenv("AUTH_REFRESH_REUSE_GRACE_SECONDS", bad)
        with pytest.raises(ValidationError):
            AuthSettings(environment="dev")


def test_a_low_bcrypt_cost_is_for_tests_only() -> None:
    assert AuthSettings(environment="test", bcrypt_rounds=4).bcrypt_rounds == 4
    with pytest.raises(ValidationError, match="bcrypt_rounds"):
        AuthSettings(environment="dev", bcrypt_rounds=10)


def test_the_refresh_cookie_is_secure_except_in_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    assert AuthSettings(environment="dev").cookie_secure is False
    assert AuthSettings(environment="test").cookie_secure is True
    assert AuthSettings(environment="dev", cookie_secure=True).cookie_secure is True
    monkeypatch.setenv("BATCHIVO_ENV", "dev")
    monkeypatch.setenv("AUTH_COOKIE_SECURE", "true")
    assert AuthSettings().cookie_secure is True
    monkeypatch.setenv("BATCHIVO_ENV", "test")
    monkeypatch.setenv("AUTH_COOKIE_SECURE", "false")
    assert AuthSettings().cookie_secure is False


def test_outside_dev_the_signing_key_is_required() -> None:
    with pytest.raises(SigningKeyMissing):
        load_signing_key(AuthSettings(environment="test"))
    key = SigningKey.generate()
    loaded = load_signing_key(AuthSettings(environment="test", signing_key=SecretStr(key.to_pem().decode())))
    assert loaded.kid == key.kid


def test_dev_generates_a_private_key_file_once(tmp_path: Path) -> None:
    path = tmp_path / "var" / "auth-signing-key.pem"
    settings = AuthSettings(environment="dev", signing_key_file=path)
    first = load_signing_key(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_signing_key(settings).kid == first.kid


def test_retired_public_keys_keep_their_kid() -> None:
    old, older = SigningKey.generate(), SigningKey.generate()
    from cryptography.hazmat.primitives import serialization

    pem = "".join(
        k.private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
        for k in (old, older)
    )
    keys = previous_public_keys(AuthSettings(environment="test", previous_public_keys=pem))
    assert set(keys) == {old.kid, older.kid}


async def test_passwords_hash_with_bcrypt_and_verify() -> None:
    hasher = PasswordHasher(rounds=4)
    hashed = await hasher.hash("p" * 128)
    assert hashed.startswith("$2b$04$")
    assert await hasher.verify("p" * 128, hashed)
    assert not await hasher.verify("p" * 127, hashed)
    assert not await hasher.verify("anything", None)
    assert not await hasher.verify("anything", "not a bcrypt hash")
    # Beyond bcrypt's 72 bytes every character still counts.
    long_hash = await hasher.hash("é" * 100)
    assert not await hasher.verify("é" * 99 + "e", long_hash)
