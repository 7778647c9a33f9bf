"""Settings shared by every Batchivo process.

Each service subclasses :class:`ServiceSettings` with its own env prefix (``AUTH_``, ``INVENTORY_`` ...).
Cross-cutting values (broker, cache, token issuer, telemetry) use the ``BATCHIVO_`` prefix whatever the
service, so one ``.env`` configures them all.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["dev", "test", "prod"]

#: The database `make run` creates on a developer's machine.
DEV_DATABASE = "batchivo"

#: Values that only ever belong on a developer's machine.
WEAK_SECRETS = frozenset({"changethis", "changeme", "secret", "password", "guest", "postgres", ""})


def _cross(name: str) -> AliasChoices:
    """Accept a cross-cutting ``BATCHIVO_<NAME>`` variable whatever the subclass's prefix."""
    return AliasChoices(f"BATCHIVO_{name}", name.lower())


def password_of(url: str) -> str | None:
    """The password in a DSN, or None when it has none (peer/trust auth)."""
    return urlsplit(url).password


class CommonSettings(BaseSettings):
    """Values every process reads: environment, broker, cache, token checks, telemetry."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    #: Required: a process that does not know where it runs must not guess (``make run`` sets ``dev``, the
    #: pytest plugin ``test``, compose and the Helm chart ``prod``).
    environment: Environment = Field(validation_alias=_cross("ENV"))
    log_level: str = Field("INFO", validation_alias=_cross("LOG_LEVEL"))
    amqp_url: str = Field("amqp://guest:guest@127.0.0.1:5672/", validation_alias=_cross("AMQP_URL"))
    #: Prefix of every exchange and queue name; tests use one per run.
    amqp_prefix: str = Field("", validation_alias=_cross("AMQP_PREFIX"))
    redis_url: str = Field("redis://127.0.0.1:6379/0", validation_alias=_cross("REDIS_URL"))
    #: Prefix of every Redis key; tests use one per run.
    redis_prefix: str = Field("batchivo:", validation_alias=_cross("REDIS_PREFIX"))
    #: How long a service waits on Redis before answering 503 (idempotency keys; the gateway has its own).
    redis_timeout: float = Field(0.5, gt=0, validation_alias=_cross("REDIS_TIMEOUT"))
    #: How long the answer of an action sent with an ``Idempotency-Key`` is kept for replay.
    idempotency_ttl_seconds: int = Field(24 * 3600, ge=1, validation_alias=_cross("IDEMPOTENCY_TTL_SECONDS"))
    #: How long a claimed key blocks duplicates when its request never finishes (a crashed process).
    idempotency_lock_seconds: float = Field(60.0, gt=0, validation_alias=_cross("IDEMPOTENCY_LOCK_SECONDS"))
    jwt_issuer: str = Field("batchivo-auth", validation_alias=_cross("JWT_ISSUER"))
    jwt_audience: str = Field("batchivo", validation_alias=_cross("JWT_AUDIENCE"))
    #: Where services and the gateway fetch the auth service's public keys.
    jwks_url: str = Field("http://127.0.0.1:8001/.well-known/jwks.json", validation_alias=_cross("JWKS_URL"))
    jwks_cache_seconds: int = Field(300, ge=1, validation_alias=_cross("JWKS_CACHE_SECONDS"))
    otel_endpoint: str | None = Field(None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT"))
    #: Share of traces recorded and exported when an endpoint is set (head sampling at the edge; a service
    #: follows the caller's decision in ``traceparent``). 1.0 keeps every trace; a busy shop sets e.g. 0.1.
    otel_sample_ratio: float = Field(
        1.0, ge=0.0, le=1.0, validation_alias=AliasChoices("OTEL_TRACES_SAMPLER_ARG", "otel_sample_ratio")
    )
    #: Largest request body an app accepts (413 beyond); an app may raise it for its upload routes.
    max_body_bytes: int = Field(1024 * 1024, ge=1, validation_alias=_cross("MAX_BODY_BYTES"))
    #: Deepest nesting of arrays/objects a JSON body may have (422 beyond).
    max_json_depth: int = Field(32, ge=1, le=256, validation_alias=_cross("MAX_JSON_DEPTH"))

    @model_validator(mode="before")
    @classmethod
    def _require_environment(cls, data: Any) -> Any:
        if isinstance(data, dict) and not {str(k).lower() for k in data} & {
            "environment",
            "batchivo_env",
            "env",
        }:
            raise ValueError(
                "BATCHIVO_ENV is not set: set it to dev, test or prod "
                "(make run sets dev, the tests set test, compose and the Helm chart set prod)"
            )
        return data

    @property
    def is_dev(self) -> bool:
        return self.environment != "prod"

    def weak_secrets(self) -> list[str]:
        """Names of settings that hold a development-only secret."""
        weak: list[str] = []
        for name, value in self:
            if isinstance(value, SecretStr) and value.get_secret_value().strip().lower() in WEAK_SECRETS:
                weak.append(name)
            elif isinstance(value, str) and name.endswith("_url") and "://" in value:
                password = password_of(value)
                if password is not None and password.lower() in WEAK_SECRETS:
                    weak.append(name)
        return weak

    @model_validator(mode="after")
    def _refuse_weak_secrets_outside_dev(self) -> CommonSettings:
        if not self.is_dev:
            weak = self.weak_secrets()
            if weak:
                names = ", ".join(weak)
                raise ValueError(
                    f"refusing to start in {self.environment!r} with development secrets in: {names}"
                )
        return self


class ServiceSettings(CommonSettings):
    """A service that owns a PostgreSQL schema.

    Three DSNs, one per database role: ``database_url`` (the ``<svc>_app`` role the API uses, under RLS),
    ``owner_database_url`` (migrations) and ``relay_database_url`` (the outbox relay).
    """

    service_name: str = "service"
    db_schema: str = "public"
    #: Empty means the dev default: ``<schema>_<role>`` on 127.0.0.1/batchivo (trust auth); required in prod.
    database_url: str = ""
    owner_database_url: str = ""
    relay_database_url: str = ""
    #: Connections the API keeps open. Overflow connections are opened for a burst and closed as soon as
    #: they are returned to a full pool, so a steady load above the pool size opens and closes a backend
    #: per request; with no overflow, requests beyond the pool wait (``db_pool_timeout``) for a kept one.
    #: 20 covers a load of 32 concurrent requests on a 2-core box (bench/README.md, floor_ratio.py). A
    #: service whose hot requests are short writes queueing on row locks keeps fewer (inventory: ADR 0024).
    db_pool_size: int = Field(20, ge=1)
    db_max_overflow: int = Field(0, ge=0)
    #: Seconds to open a database connection (asyncpg ``timeout``) before the request answers 503.
    db_connect_timeout: float = Field(2.0, gt=0, validation_alias=_cross("DB_CONNECT_TIMEOUT"))
    #: Seconds to wait for a free pooled connection (SQLAlchemy ``pool_timeout``) before answering 503.
    db_pool_timeout: float = Field(2.0, gt=0, validation_alias=_cross("DB_POOL_TIMEOUT"))
    #: Suffix appended to the schema's role names; empty in production, unique per test run.
    db_role_suffix: str = Field("", validation_alias=_cross("DB_ROLE_SUFFIX"))
    #: Skip the start-up check of the app role (only for tools that connect as the owner).
    check_db_role: bool = True
    #: Event bus housekeeping in the worker (docs/adr/0003-event-bus.md): inbox rows older than this are
    #: purged; an outbox row the broker refuses this many times is parked; queue depths probed this often.
    inbox_retention_days: int = Field(30, ge=1, validation_alias=_cross("INBOX_RETENTION_DAYS"))
    outbox_max_publish_attempts: int = Field(5, ge=1, validation_alias=_cross("OUTBOX_MAX_PUBLISH_ATTEMPTS"))
    queue_metrics_seconds: float = Field(30.0, gt=0, validation_alias=_cross("QUEUE_METRICS_SECONDS"))

    @model_validator(mode="after")
    def _default_dev_dsns(self) -> ServiceSettings:
        for role in ("app", "owner", "relay"):
            field = "database_url" if role == "app" else f"{role}_database_url"
            if getattr(self, field):
                continue
            if not self.is_dev:
                raise ValueError(f"{field} must be set when environment is {self.environment!r}")
            user = f"{self.db_schema}_{role}{self.db_role_suffix}"
            setattr(self, field, f"postgresql+asyncpg://{user}@127.0.0.1:5432/{DEV_DATABASE}")
        return self
