"""Settings of the production service (env prefix ``PRODUCTION_``; cross-cutting ones keep ``BATCHIVO_``)."""

from __future__ import annotations

from batchivo_common.settings import ServiceSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class ProductionSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="PRODUCTION_", env_file=".env", extra="ignore", populate_by_name=True
    )

    service_name: str = "production"
    db_schema: str = "production"

    http_host: str = "127.0.0.1"
    http_port: int = Field(8004, ge=1, le=65535)
    #: The worker's probes and metrics (``/healthz``, ``/readyz``, ``/metrics``).
    worker_http_port: int = Field(9004, ge=1, le=65535)
