from pathlib import Path

import pytest
from batchivo_common.settings import ServiceSettings
from pydantic import SecretStr, ValidationError


class DemoSettings(ServiceSettings):
    api_secret: SecretStr = SecretStr("changethis")


def test_dev_accepts_development_secrets() -> None:
    settings = DemoSettings(environment="dev")
    assert {"api_secret", "amqp_url"} <= set(settings.weak_secrets())


def test_prod_refuses_weak_secret_fields() -> None:
    with pytest.raises(ValidationError, match="api_secret"):
        DemoSettings(environment="prod")


def test_prod_refuses_weak_passwords_in_urls() -> None:
    with pytest.raises(ValidationError, match="amqp_url"):
        DemoSettings(
            environment="prod",
            api_secret=SecretStr("a-long-random-value-9f8e7d"),
            amqp_url="amqp://guest:guest@rabbit:5672/",
        )


def test_prod_starts_with_strong_secrets() -> None:
    settings = DemoSettings(
        environment="prod",
        api_secret=SecretStr("a-long-random-value-9f8e7d"),
        amqp_url="amqp://batchivo:Zq8v1r0k2m@rabbit:5672/",
        database_url="postgresql+asyncpg://demo_app:Xk2p9q7w1z@db/batchivo",
        owner_database_url="postgresql+asyncpg://demo_owner:Xk2p9q7w1y@db/batchivo",
        relay_database_url="postgresql+asyncpg://demo_relay:Xk2p9q7w1x@db/batchivo",
    )
    assert settings.weak_secrets() == []


def test_prod_needs_explicit_database_urls() -> None:
    with pytest.raises(ValidationError, match="database_url must be set"):
        DemoSettings(
            environment="prod",
            api_secret=SecretStr("a-long-random-value-9f8e7d"),
            amqp_url="amqp://batchivo:Zq8v1r0k2m@rabbit:5672/",
        )


def test_dev_database_urls_default_to_the_service_roles() -> None:
    settings = DemoSettings(db_schema="demo", db_role_suffix="")
    assert settings.database_url == "postgresql+asyncpg://demo_app@127.0.0.1:5432/batchivo"
    assert settings.owner_database_url.startswith("postgresql+asyncpg://demo_owner@")


def test_cross_cutting_values_use_the_batchivo_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCHIVO_AMQP_URL", "amqp://x@h:1/")
    monkeypatch.setenv("BATCHIVO_REDIS_PREFIX", "p:")
    settings = DemoSettings()
    assert settings.amqp_url == "amqp://x@h:1/"
    assert settings.redis_prefix == "p:"


def test_the_environment_must_be_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BATCHIVO_ENV", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env file either
    with pytest.raises(ValidationError, match="BATCHIVO_ENV is not set"):
        DemoSettings()
    monkeypatch.setenv("BATCHIVO_ENV", "prod")
    with pytest.raises(ValidationError, match="database_url must be set"):  # read, and prod rules apply
        DemoSettings(api_secret=SecretStr("a-long-random-value-9f8e7d"), amqp_url="amqp://u:Zq8v1r0k2m@h/")
    monkeypatch.setenv("BATCHIVO_ENV", "staging")
    with pytest.raises(ValidationError, match="BATCHIVO_ENV"):
        DemoSettings()


def test_the_tests_run_as_test() -> None:
    assert DemoSettings().environment == "test"


def test_request_and_database_limits_come_from_batchivo_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCHIVO_MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("BATCHIVO_MAX_JSON_DEPTH", "10")
    monkeypatch.setenv("BATCHIVO_DB_CONNECT_TIMEOUT", "0.5")
    monkeypatch.setenv("BATCHIVO_DB_POOL_TIMEOUT", "1.5")
    settings = DemoSettings()
    assert (settings.max_body_bytes, settings.max_json_depth) == (4096, 10)
    assert (settings.db_connect_timeout, settings.db_pool_timeout) == (0.5, 1.5)
    defaults = DemoSettings.model_fields
    assert defaults["max_body_bytes"].default == 1024 * 1024
    assert defaults["max_json_depth"].default == 32


def test_idempotency_settings_come_from_batchivo_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = DemoSettings()
    assert (defaults.idempotency_ttl_seconds, defaults.idempotency_lock_seconds) == (86400, 60.0)
    assert defaults.redis_timeout == 0.5
    monkeypatch.setenv("BATCHIVO_IDEMPOTENCY_TTL_SECONDS", "3600")
    monkeypatch.setenv("BATCHIVO_IDEMPOTENCY_LOCK_SECONDS", "15")
    monkeypatch.setenv("BATCHIVO_REDIS_TIMEOUT", "0.2")
    settings = DemoSettings()
    assert (settings.idempotency_ttl_seconds, settings.idempotency_lock_seconds) == (3600, 15.0)
    assert settings.redis_timeout == 0.2
    monkeypatch.setenv("BATCHIVO_IDEMPOTENCY_TTL_SECONDS", "0")
    with pytest.raises(ValidationError, match=r"(?i)idempotency_ttl_seconds"):
        DemoSettings()
