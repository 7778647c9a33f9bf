"""Settings of the webhooks service (env prefix ``WEBHOOKS_``; cross-cutting ones keep ``BATCHIVO_``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from batchivo_common.settings import ServiceSettings
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

#: Where ``BATCHIVO_ENV=dev`` keeps the key-encryption key it generates on first run (``/var/`` is
#: gitignored), like auth's dev signing key.
DEV_ENCRYPTION_KEY_FILE = Path("var/webhooks-encryption-key")


def _split(value: Any) -> Any:
    """A list from the environment: comma- or whitespace-separated (JSON lists work too)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part for part in text.replace(",", " ").split() if part]
    return value


class WebhooksSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="WEBHOOKS_", env_file=".env", extra="ignore", populate_by_name=True
    )

    service_name: str = "webhooks"
    db_schema: str = "webhooks"

    http_host: str = "127.0.0.1"
    http_port: int = Field(8005, ge=1, le=65535)
    #: The worker's probes and metrics (``/healthz``, ``/readyz``, ``/metrics``).
    worker_http_port: int = Field(9005, ge=1, le=65535)

    #: Key-encryption keys, ``<key-id>:<base64 of 32 bytes>``, the first one current (new data keys are
    #: wrapped with it; ``python -m batchivo_webhooks.rotate_keys`` rewraps the others with it). Required
    #: outside dev; in dev one is generated into ``encryption_key_file`` on first run.
    encryption_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    encryption_key_file: Path = DEV_ENCRYPTION_KEY_FILE

    #: TEST ONLY: hosts whose URLs may use plain http and resolve to loopback/private addresses (the
    #: tests' local receiver on 127.0.0.1). Refused at start-up when the environment is prod.
    allow_private_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)

    #: Retry schedule (docs/adr/0019-webhooks.md): full jitter over ``base * 2**(attempt-1)`` capped at
    #: ``retry_cap_seconds``; no retry once ``retry_window_seconds`` passed since the first attempt.
    retry_base_seconds: float = Field(30.0, gt=0)
    retry_cap_seconds: float = Field(3600.0, gt=0)
    retry_window_seconds: float = Field(24 * 3600.0, gt=0)
    #: An endpoint whose every delivery failed for this long is disabled.
    disable_after_seconds: float = Field(24 * 3600.0, gt=0)
    #: How long one attempt may take (connect + send + answer) before it counts as failed.
    attempt_timeout_seconds: float = Field(10.0, gt=0, le=60)
    #: How long a claimed delivery is reserved for the worker that claimed it (longer than an attempt).
    claim_lease_seconds: float = Field(60.0, gt=0)
    #: How often the dispatcher looks for due deliveries when the last look found none.
    dispatch_poll_seconds: float = Field(1.0, gt=0)
    #: Deliveries claimed (and sent concurrently) per round.
    dispatch_batch_size: int = Field(50, ge=1, le=1000)
    #: How long the previous secret keeps signing after a rotation.
    previous_secret_seconds: int = Field(24 * 3600, ge=0)
    #: Finished deliveries (succeeded or failed) are deleted this many days after their last attempt.
    delivery_retention_days: int = Field(30, ge=1)
    #: How often the worker purges them.
    delivery_purge_seconds: float = Field(3600.0, gt=0)

    @field_validator("encryption_keys", "allow_private_hosts", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("allow_private_hosts", mode="after")
    @classmethod
    def _lower_hosts(cls, value: list[str]) -> list[str]:
        return [host.strip().lower().strip("[]") for host in value if host.strip()]

    @model_validator(mode="after")
    def _no_private_hosts_in_prod(self) -> WebhooksSettings:
        if self.environment == "prod" and self.allow_private_hosts:
            raise ValueError("WEBHOOKS_ALLOW_PRIVATE_HOSTS is for tests only and is refused in prod")
        if self.retry_cap_seconds < self.retry_base_seconds:
            raise ValueError("WEBHOOKS_RETRY_CAP_SECONDS must be at least WEBHOOKS_RETRY_BASE_SECONDS")
        if self.claim_lease_seconds <= self.attempt_timeout_seconds:
            raise ValueError("WEBHOOKS_CLAIM_LEASE_SECONDS must exceed WEBHOOKS_ATTEMPT_TIMEOUT_SECONDS")
        return self
