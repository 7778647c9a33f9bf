"""Cross-service end-to-end fixtures: the real auth service and the real gateway, each served by uvicorn on
loopback, against the run's PostgreSQL database and Redis, with the gateway verifying tokens through
auth's JWKS over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from batchivo_auth.main import create_app as create_auth_app
from batchivo_auth.settings import AuthSettings
from batchivo_catalog.main import create_app as create_catalog_app
from batchivo_catalog.settings import CatalogSettings
from batchivo_common.auth.tokens import SigningKey
from batchivo_common.storage import StorageSettings
from batchivo_common.testing.asgi_server import serve
from batchivo_common.testing.plugin import (
    ServiceDatabase,
    TestInfra,
    prepare_service_database,
    truncate_service_tables,
)
from batchivo_gateway.main import create_app as create_gateway_app
from batchivo_gateway.settings import GatewaySettings
from batchivo_inventory.main import create_app as create_inventory_app
from batchivo_inventory.settings import InventorySettings
from batchivo_production.main import create_app as create_production_app
from batchivo_production.settings import ProductionSettings
from batchivo_webhooks.crypto import new_key_entry
from batchivo_webhooks.main import create_app as create_webhooks_app
from batchivo_webhooks.settings import WebhooksSettings
from pydantic import SecretStr

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def auth_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(batchivo_infra, "auth", ROOT / "services" / "auth" / "alembic.ini")


@pytest.fixture(scope="session")
def auth_url(auth_db: ServiceDatabase, batchivo_infra: TestInfra, signing_key: SigningKey) -> Iterator[str]:
    settings = AuthSettings(
        **auth_db.settings_overrides(batchivo_infra),
        bcrypt_rounds=4,
        signing_key=SecretStr(signing_key.to_pem().decode()),
    )
    with serve(create_auth_app(settings, configure_process=False)) as url:
        yield url


@pytest.fixture(scope="session")
def inventory_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(
        batchivo_infra, "inventory", ROOT / "services" / "inventory" / "alembic.ini"
    )


@pytest.fixture(scope="session")
def inventory_url(inventory_db: ServiceDatabase, batchivo_infra: TestInfra, auth_url: str) -> Iterator[str]:
    # Keys come from the real auth service's JWKS over HTTP, as in production.
    settings = InventorySettings(
        **inventory_db.settings_overrides(batchivo_infra), jwks_url=f"{auth_url}/.well-known/jwks.json"
    )
    # Websockets on: Spoolman's clients keep one open (services/inventory/src/.../spoolman_compat/live.py).
    with serve(create_inventory_app(settings, configure_process=False), ws="websockets-sansio") as url:
        yield url


@pytest.fixture(scope="session")
def catalog_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(batchivo_infra, "catalog", ROOT / "services" / "catalog" / "alembic.ini")


@pytest.fixture(scope="session")
def catalog_storage_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the catalog under test stores product images (a local directory)."""
    return tmp_path_factory.mktemp("catalog-storage")


@pytest.fixture(scope="session")
def catalog_url(
    catalog_db: ServiceDatabase, batchivo_infra: TestInfra, auth_url: str, catalog_storage_root: Path
) -> Iterator[str]:
    settings = CatalogSettings(
        **catalog_db.settings_overrides(batchivo_infra),
        jwks_url=f"{auth_url}/.well-known/jwks.json",
        storage=StorageSettings(backend="local", local_root=catalog_storage_root),
    )
    with serve(create_catalog_app(settings, configure_process=False)) as url:
        yield url


@pytest.fixture(scope="session")
def production_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(
        batchivo_infra, "production", ROOT / "services" / "production" / "alembic.ini"
    )


@pytest.fixture(scope="session")
def production_url(production_db: ServiceDatabase, batchivo_infra: TestInfra, auth_url: str) -> Iterator[str]:
    settings = ProductionSettings(
        **production_db.settings_overrides(batchivo_infra), jwks_url=f"{auth_url}/.well-known/jwks.json"
    )
    with serve(create_production_app(settings, configure_process=False)) as url:
        yield url


@pytest.fixture(scope="session")
def webhooks_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(
        batchivo_infra, "webhooks", ROOT / "services" / "webhooks" / "alembic.ini"
    )


@pytest.fixture(scope="session")
def webhooks_url(webhooks_db: ServiceDatabase, batchivo_infra: TestInfra, auth_url: str) -> Iterator[str]:
    settings = WebhooksSettings(
        **webhooks_db.settings_overrides(batchivo_infra),
        jwks_url=f"{auth_url}/.well-known/jwks.json",
        encryption_keys=[new_key_entry("e2e")],
    )
    with serve(create_webhooks_app(settings, configure_process=False)) as url:
        yield url


@pytest.fixture(scope="session")
def gateway_url(
    auth_url: str,
    inventory_url: str,
    catalog_url: str,
    production_url: str,
    webhooks_url: str,
    batchivo_infra: TestInfra,
) -> Iterator[str]:
    settings = GatewaySettings(
        **batchivo_infra.common_overrides(),
        environment="test",
        metrics_port=0,  # the internal /metrics listener on any free port
        auth_url=auth_url,
        inventory_url=inventory_url,
        catalog_url=catalog_url,
        production_url=production_url,
        webhooks_url=webhooks_url,
        # Per-test prefixes below keep the login limit from leaking between tests.
        login_rate_per_minute=10,
        frontend_dist=ROOT / "does-not-exist",
        # Tests come from 127.0.0.1 and name their client in X-Forwarded-For, as an ingress would.
        trusted_proxies="127.0.0.1/32",
    )
    with serve(create_gateway_app(settings), proxy_headers=False, ws="websockets-sansio") as url:
        yield url


@pytest.fixture(scope="session")
def untrusting_gateway_url(auth_url: str, batchivo_infra: TestInfra) -> Iterator[str]:
    """A gateway with the default GATEWAY_TRUSTED_PROXIES (none): forwarded headers are ignored."""
    overrides = {
        **batchivo_infra.common_overrides(),
        "redis_prefix": f"{batchivo_infra.redis_prefix}untrusting:",
    }
    settings = GatewaySettings(
        **overrides, environment="test", auth_url=auth_url, frontend_dist=ROOT / "does-not-exist"
    )
    with serve(create_gateway_app(settings), proxy_headers=False) as url:
        yield url


@pytest.fixture
async def gateway(
    gateway_url: str,
    auth_db: ServiceDatabase,
    inventory_db: ServiceDatabase,
    catalog_db: ServiceDatabase,
    production_db: ServiceDatabase,
    webhooks_db: ServiceDatabase,
) -> AsyncIterator[httpx.AsyncClient]:
    await truncate_service_tables(auth_db)
    await truncate_service_tables(inventory_db, keep=("alembic_version", "material_types"))
    await truncate_service_tables(catalog_db)
    await truncate_service_tables(production_db)
    await truncate_service_tables(webhooks_db)
    # Each test comes from its own client address so per-IP limits of one test never touch another.
    forwarded = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    async with httpx.AsyncClient(
        base_url=gateway_url, timeout=20, headers={"X-Forwarded-For": forwarded}
    ) as c:
        yield c
