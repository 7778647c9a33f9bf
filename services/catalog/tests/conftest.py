"""Fixtures of the catalog service's tests: the migrated schema, the app in its lifespan (tokens verified
with the test signing key), an HTTP client, and helpers that seed the filament-type read model (through
the real event handler) and create models and products through the API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from batchivo_catalog.db import inbox
from batchivo_catalog.events.handlers import on_filament_type
from batchivo_catalog.main import create_app
from batchivo_catalog.settings import CatalogSettings
from batchivo_common.auth.tokens import SigningKey, StaticKeySource
from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.tenancy import current_tenant
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.storage import StorageSettings
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import (
    ServiceDatabase,
    TestInfra,
    prepare_service_database,
    truncate_service_tables,
)
from batchivo_common.testing.tenants import TokenTenant as Tenant
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"

_ = inbox


@pytest.fixture(scope="session")
def catalog_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(batchivo_infra, "catalog", ALEMBIC_INI)


@pytest.fixture(scope="session")
def catalog_settings(
    catalog_db: ServiceDatabase, batchivo_infra: TestInfra, tmp_path_factory: pytest.TempPathFactory
) -> CatalogSettings:
    storage = StorageSettings(backend="local", local_root=tmp_path_factory.mktemp("catalog-storage"))
    return CatalogSettings(**catalog_db.settings_overrides(batchivo_infra), storage=storage)


@pytest.fixture(scope="session")
async def app(catalog_settings: CatalogSettings, signing_key: SigningKey) -> AsyncIterator[FastAPI]:
    application = create_app(
        catalog_settings, key_source=StaticKeySource.of(signing_key), configure_process=False
    )
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def sessionmaker(catalog_settings: CatalogSettings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(catalog_settings.database_url, application_name="catalog-tests")
    try:
        yield tenant_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def client(app: FastAPI, catalog_db: ServiceDatabase) -> AsyncIterator[httpx.AsyncClient]:
    await truncate_service_tables(catalog_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://catalog.test") as c:
        yield c


class CatalogApi:
    """Helpers over the HTTP client (tests use importlib mode, so helpers come as a fixture)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        make_token: Callable[..., str],
        sessionmaker: async_sessionmaker[AsyncSession],
    ):
        self.client, self.make_token, self.sessionmaker = client, make_token, sessionmaker

    def tenant(self) -> Tenant:
        return Tenant.new(self.make_token)

    async def deliver(self, envelope: EventEnvelope, handler: Callable[..., Any] = on_filament_type) -> None:
        """Run a handler as the worker does: in one transaction under the event's tenant."""
        token = current_tenant.set(envelope.tenant_id)
        try:
            async with self.sessionmaker() as session, session.begin():
                await handler(session, envelope)
        finally:
            current_tenant.reset(token)

    def filament_event(
        self,
        tenant: Tenant,
        filament_type_id: uuid.UUID | None = None,
        *,
        cost: float | None = 0.02,
        estimate: bool = False,
        version: int = 1,
        event: str = "updated",
    ) -> EventEnvelope:
        fid = filament_type_id or uuid.uuid4()
        return new_event(
            f"inventory.filament_type.{event}.v1",
            producer="inventory",
            tenant_id=tenant.id,
            aggregate_id=fid,
            aggregate_version=version,
            data={
                "filament_type_id": fid,
                "material_type_id": uuid.uuid4(),
                "material_code": "PLA",
                "brand": "Prusament",
                "color_name": "Galaxy Black",
                "diameter_mm": 1.75,
                "min_stock_grams": 0,
                "cost_per_gram": cost,
                "cost_is_estimate": estimate,
            },
        )

    async def filament(
        self, tenant: Tenant, cost: float | None = 0.02, *, estimate: bool = False
    ) -> uuid.UUID:
        envelope = self.filament_event(tenant, cost=cost, estimate=estimate)
        await self.deliver(envelope)
        assert envelope.aggregate_id is not None
        return envelope.aggregate_id

    async def model(self, tenant: Tenant, **fields: Any) -> dict[str, Any]:
        body = {"sku": f"MOD-{uuid.uuid4().hex[:6]}", "name": "Dragon", **fields}
        response = await self.client.post("/api/v1/models", json=body, headers=tenant.headers())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def product(self, tenant: Tenant, **fields: Any) -> dict[str, Any]:
        body = {"sku": f"PROD-{uuid.uuid4().hex[:6]}", "name": "Box", **fields}
        response = await self.client.post("/api/v1/products", json=body, headers=tenant.headers())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    @staticmethod
    def error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
        return assert_error(response, status, code)


@pytest.fixture
def api(
    client: httpx.AsyncClient, make_token: Callable[..., str], sessionmaker: async_sessionmaker[AsyncSession]
) -> CatalogApi:
    return CatalogApi(client, make_token, sessionmaker)


@pytest.fixture
async def admin_conn(catalog_db: ServiceDatabase) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(catalog_db.admin_url)
    try:
        yield conn
    finally:
        await conn.close()
