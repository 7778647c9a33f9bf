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
