"""Fixtures of the inventory service's tests: the migrated schema, the app in its lifespan (tokens verified
with the test signing key), an HTTP client, and helpers that create types and spools through the API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from batchivo_common.auth.tokens import SigningKey, StaticKeySource
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import (
    ServiceDatabase,
    TestInfra,
    prepare_service_database,
    truncate_service_tables,
)
from batchivo_common.testing.tenants import TokenTenant as Tenant
from batchivo_inventory.main import create_app
from batchivo_inventory.settings import InventorySettings
from fastapi import FastAPI

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
#: The seeded global rows survive truncation between tests.
KEEP = ("alembic_version", "material_types")


@pytest.fixture(scope="session")
def inventory_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(batchivo_infra, "inventory", ALEMBIC_INI)


@pytest.fixture(scope="session")
def inventory_settings(inventory_db: ServiceDatabase, batchivo_infra: TestInfra) -> InventorySettings:
    return InventorySettings(**inventory_db.settings_overrides(batchivo_infra))


@pytest.fixture(scope="session")
async def app(inventory_settings: InventorySettings, signing_key: SigningKey) -> AsyncIterator[FastAPI]:
    application = create_app(
        inventory_settings, key_source=StaticKeySource.of(signing_key), configure_process=False
    )
    async with application.router.lifespan_context(application):
        yield application


async def clean(db: ServiceDatabase) -> None:
    await truncate_service_tables(db, keep=KEEP)
    conn = await asyncpg.connect(db.admin_url)
    try:
        await conn.execute("delete from inventory.material_types where tenant_id is not null")
    finally:
        await conn.close()


@pytest.fixture
async def client(app: FastAPI, inventory_db: ServiceDatabase) -> AsyncIterator[httpx.AsyncClient]:
    await clean(inventory_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://inventory.test"
    ) as c:
        yield c


class InventoryApi:
    """Helpers over the HTTP client (tests use importlib mode, so helpers come as a fixture)."""

    def __init__(self, client: httpx.AsyncClient, make_token: Callable[..., str]):
        self.client, self.make_token = client, make_token

    def tenant(self) -> Tenant:
        return Tenant.new(self.make_token)

    async def material_id(self, tenant: Tenant, code: str = "PLA") -> uuid.UUID:
        response = await self.client.get("/api/v1/material-types?limit=200", headers=tenant.headers())
        assert response.status_code == 200, response.text
        return uuid.UUID(next(m["id"] for m in response.json()["items"] if m["code"] == code))

    async def filament_type(self, tenant: Tenant, **fields: Any) -> dict[str, Any]:
        body = {
            "material_type_id": str(fields.pop("material_type_id", None) or await self.material_id(tenant)),
            "brand": "Prusament",
            "color_name": f"Galaxy {uuid.uuid4().hex[:6]}",
            **fields,
        }
        response = await self.client.post("/api/v1/filament-types", json=body, headers=tenant.headers())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def spool(
        self, tenant: Tenant, filament_type_id: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        body = {
            "filament_type_id": filament_type_id or (await self.filament_type(tenant))["id"],
            "initial_weight": 1000,
            **fields,
        }
        response = await self.client.post("/api/v1/spools", json=body, headers=tenant.headers())
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def ledger(self, tenant: Tenant, spool_id: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"/api/v1/spools/{spool_id}/transactions?limit=200&sort=created_at", headers=tenant.headers()
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    @staticmethod
    def error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
        return assert_error(response, status, code)


@pytest.fixture
def api(client: httpx.AsyncClient, make_token: Callable[..., str]) -> InventoryApi:
    return InventoryApi(client, make_token)


@pytest.fixture
async def admin_conn(inventory_db: ServiceDatabase) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        yield conn
    finally:
        await conn.close()
