"""Fixtures of the production service's tests: the migrated schema, the app in its lifespan (tokens
verified with the test signing key), an HTTP client, and helpers that feed the read models through the
real event handlers (as the worker does) and drive runs through the API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from batchivo_common.auth.tokens import Role, SigningKey, StaticKeySource
from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.tenancy import current_tenant
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import (
    ServiceDatabase,
    TestInfra,
    prepare_service_database,
    truncate_service_tables,
)
from batchivo_common.testing.tenants import TokenTenant as Tenant
from batchivo_production.events.handlers import on_model, on_spool, on_usage_recorded
from batchivo_production.main import create_app
from batchivo_production.settings import ProductionSettings
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


@pytest.fixture(scope="session")
def production_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(batchivo_infra, "production", ALEMBIC_INI)


@pytest.fixture(scope="session")
def production_settings(production_db: ServiceDatabase, batchivo_infra: TestInfra) -> ProductionSettings:
    return ProductionSettings(**production_db.settings_overrides(batchivo_infra))


@pytest.fixture(scope="session")
async def app(production_settings: ProductionSettings, signing_key: SigningKey) -> AsyncIterator[FastAPI]:
    application = create_app(
        production_settings, key_source=StaticKeySource.of(signing_key), configure_process=False
    )
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def sessionmaker(
    production_settings: ProductionSettings,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(production_settings.database_url, application_name="production-tests")
    try:
        yield tenant_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def client(app: FastAPI, production_db: ServiceDatabase) -> AsyncIterator[httpx.AsyncClient]:
    await truncate_service_tables(production_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://production.test"
    ) as c:
        yield c


class ProductionApi:
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

    async def deliver(self, envelope: EventEnvelope, handler: Callable[..., Any]) -> None:
        """Run a handler as the worker does: in one transaction under the event's tenant."""
        token = current_tenant.set(envelope.tenant_id)
        try:
            async with self.sessionmaker() as session, session.begin():
                await handler(session, envelope)
        finally:
            current_tenant.reset(token)

    @staticmethod
    def spool_event(
        tenant: Tenant,
        spool_id: uuid.UUID,
        filament_type_id: uuid.UUID,
        *,
        grams: float = 1000,
        cost: float | None = 0.02,
        version: int = 1,
        archived: bool = False,
        code: str | None = None,
    ) -> EventEnvelope:
        return new_event(
            "inventory.spool.updated.v1",
            producer="inventory",
            tenant_id=tenant.id,
            aggregate_id=spool_id,
            aggregate_version=version,
            data={
                "spool_id": spool_id,
                "code": code or f"FIL-{spool_id.hex[:4].upper()}",
                "filament_type_id": filament_type_id,
                "material_code": "PLA",
                "brand": "Prusament",
                "color_name": "Galaxy Black",
                "initial_weight": 1000,
                "current_weight": grams,
                "cost_per_gram": cost,
                "is_archived": archived,
            },
        )

    async def spool(
        self, tenant: Tenant, filament_type_id: uuid.UUID, *, grams: float = 1000, cost: float | None = 0.02
    ) -> uuid.UUID:
        spool_id = uuid.uuid4()
        await self.deliver(
            self.spool_event(tenant, spool_id, filament_type_id, grams=grams, cost=cost), on_spool
        )
        return spool_id

    async def model(
        self, tenant: Tenant, bom: dict[uuid.UUID, float], *, version: int = 1, deleted: bool = False
    ) -> uuid.UUID:
        model_id = uuid.uuid4()
        await self.deliver(
            self.model_event(tenant, model_id, bom, version=version, deleted=deleted), on_model
        )
        return model_id

    @staticmethod
    def model_event(
        tenant: Tenant,
        model_id: uuid.UUID,
        bom: dict[uuid.UUID, float],
        *,
        version: int = 1,
        deleted: bool = False,
    ) -> EventEnvelope:
        return new_event(
            f"catalog.model.{'deleted' if deleted else 'updated'}.v1",
            producer="catalog",
            tenant_id=tenant.id,
            aggregate_id=model_id,
            aggregate_version=version,
            data={
                "model_id": model_id,
                "sku": f"MOD-{model_id.hex[:6].upper()}",
                "name": "Dragon",
                "is_active": True,
                "prints_per_plate": 1,
                "print_time_minutes": 60,
                "materials": [{"filament_type_id": f, "grams": g} for f, g in bom.items()],
            },
        )

    async def usage_recorded(
        self, tenant: Tenant, run_id: uuid.UUID, causation: uuid.UUID, spools: list[dict[str, Any]]
    ) -> None:
        envelope = new_event(
            "inventory.usage.recorded.v1",
            producer="inventory",
            tenant_id=tenant.id,
            aggregate_id=run_id,
            causation_id=str(causation),
            data={"run_id": run_id, "source_event_type": "production.run.completed.v1", "spools": spools},
        )
        await self.deliver(envelope, on_usage_recorded)

    async def post(
        self, tenant: Tenant, path: str, body: Any = None, role: Role = Role.member
    ) -> dict[str, Any]:
        response = await self.client.post(path, json=body, headers=tenant.headers(role))
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    async def run(self, tenant: Tenant, **body: Any) -> dict[str, Any]:
        return await self.post(tenant, "/api/v1/production-runs", body)

    @staticmethod
    def error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
        return assert_error(response, status, code)


@pytest.fixture
def api(
    client: httpx.AsyncClient, make_token: Callable[..., str], sessionmaker: async_sessionmaker[AsyncSession]
) -> ProductionApi:
    return ProductionApi(client, make_token, sessionmaker)


@pytest.fixture
async def admin_conn(production_db: ServiceDatabase) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(production_db.admin_url)
    try:
        yield conn
    finally:
        await conn.close()
