"""Settings of the catalog service (env prefix ``CATALOG_``; cross-cutting ones keep ``BATCHIVO_``)."""

from __future__ import annotations

from batchivo_common.settings import WEAK_SECRETS, ServiceSettings
from batchivo_common.storage import StorageSettings
from pydantic import Field
from pydantic_settings import SettingsConfigDict


class CatalogSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="CATALOG_", env_file=".env", extra="ignore", populate_by_name=True
    )

    service_name: str = "catalog"
    db_schema: str = "catalog"

    http_host: str = "127.0.0.1"
    http_port: int = Field(8003, ge=1, le=65535)
    #: The worker's probes and metrics (``/healthz``, ``/readyz``, ``/metrics``).
    worker_http_port: int = Field(9003, ge=1, le=65535)
    #: Where product images are stored: ``BATCHIVO_STORAGE_*`` / ``BATCHIVO_S3_*`` (a local directory by
    #: default, S3/MinIO when ``BATCHIVO_STORAGE_BACKEND=s3``).
    storage: StorageSettings = Field(default_factory=StorageSettings)

    def weak_secrets(self) -> list[str]:
        """Also the S3 secret key, when images go to S3 (outside dev, a weak one refuses to start)."""
        weak = super().weak_secrets()
        if self.storage.backend == "s3" and self.storage.s3_secret_key.get_secret_value().strip().lower() in (
            WEAK_SECRETS
        ):
            weak.append("BATCHIVO_S3_SECRET_KEY")
        return weak
