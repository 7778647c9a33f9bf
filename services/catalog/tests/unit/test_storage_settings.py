"""The catalog reads its image storage from BATCHIVO_STORAGE_* / BATCHIVO_S3_* and refuses a weak S3
secret outside dev."""

from __future__ import annotations

import pytest
from batchivo_catalog.settings import CatalogSettings
from batchivo_common.storage import StorageSettings
from pydantic import ValidationError

PROD = {
    "environment": "prod",
    "database_url": "postgresql+asyncpg://catalog_app:a-strong-one@db/batchivo",
    "owner_database_url": "postgresql+asyncpg://catalog_owner:a-strong-one@db/batchivo",
    "relay_database_url": "postgresql+asyncpg://catalog_relay:a-strong-one@db/batchivo",
    "amqp_url": "amqp://u:a-strong-one@mq/",
    "redis_url": "redis://:a-strong-one@redis/0",
}


def test_storage_comes_from_batchivo_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BATCHIVO_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("BATCHIVO_S3_ENDPOINT", "minio:9000")
    settings = CatalogSettings(environment="test")
    assert (settings.storage.backend, settings.storage.s3_endpoint) == ("s3", "minio:9000")


def test_a_weak_s3_secret_refuses_to_start_in_prod() -> None:
    weak = StorageSettings(backend="s3", s3_secret_key="changethis")
    with pytest.raises(ValidationError, match="BATCHIVO_S3_SECRET_KEY"):
        CatalogSettings(**PROD, storage=weak)
    CatalogSettings(**PROD, storage=StorageSettings(backend="s3", s3_secret_key="a-long-random-one"))
    CatalogSettings(**PROD, storage=StorageSettings(backend="local"))  # no S3 secret needed
