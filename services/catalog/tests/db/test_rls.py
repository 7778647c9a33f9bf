"""Row-level security as the app role, in raw SQL, for every catalog table; the append-only stock ledger."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

pytestmark = pytest.mark.db

T = "$1"
G = "gen_random_uuid()"
#: One insert per tenant table, each naming tenant ``$1`` (the parent rows need not exist: RLS and
#: privileges are checked before foreign keys).
INSERTS = {
    "catalog_settings": f"insert into catalog.catalog_settings (tenant_id) values ({T})",
    "filament_types": "insert into catalog.filament_types (id, tenant_id, material_code, brand, color_name,"
    f" cost_is_estimate, aggregate_version) values ({G}, {T}, 'PLA', 'b', 'c', false, 1)",
    "models": f"insert into catalog.models (id, tenant_id, sku, name) values ({G}, {T}, 'S', 'n')",
    "model_materials": "insert into catalog.model_materials (id, tenant_id, model_id, filament_type_id,"
    f" grams) values ({G}, {T}, {G}, {G}, 1)",
    "model_components": "insert into catalog.model_components (id, tenant_id, model_id, name, quantity,"
    f" unit_cost) values ({G}, {T}, {G}, 'c', 1, 1)",
    "products": f"insert into catalog.products (id, tenant_id, sku, name) values ({G}, {T}, 'S', 'n')",
    "product_models": "insert into catalog.product_models (id, tenant_id, product_id, model_id, quantity)"
    f" values ({G}, {T}, {G}, {G}, 1)",
    "product_children": "insert into catalog.product_children (id, tenant_id, product_id, child_product_id,"
    f" quantity) values ({G}, {T}, {G}, {G}, 1)",
    "sales_channels": f"insert into catalog.sales_channels (id, tenant_id, name) values ({G}, {T}, 'n')",
    "product_prices": "insert into catalog.product_prices (id, tenant_id, product_id, sales_channel_id,"
    f" price) values ({G}, {T}, {G}, {G}, 1)",
    "product_images": "insert into catalog.product_images (id, tenant_id, product_id, storage_key,"
    " thumbnail_key, content_type, width, height, size_bytes, thumbnail_size_bytes, sha256)"
    f" values ({G}, {T}, {G}, 'k', 't', 'image/png', 1, 1, 1, 1, 'x')",
    "run_contributions": "insert into catalog.run_contributions (id, tenant_id, run_id, model_id,"
    f" successful_units) values ({G}, {T}, {G}, {G}, 1)",
    "stock_movements": "insert into catalog.stock_movements (id, tenant_id, model_id, kind, units_before,"
    f" delta, units_after) values ({G}, {T}, {G}, 'adjustment', 0, 1, 1)",
    "inbox": "insert into catalog.inbox (consumer, event_id, tenant_id, event_type)"
    f" values ('c', {G}, {T}, 't')",
    "outbox": "insert into catalog.outbox (event_id, tenant_id, event_type, routing_key, envelope)"
    f" values ({G}, {T}, 't', 't', '{{}}')",
}


def _dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def as_app(catalog_db) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(_dsn(catalog_db.app_url))
    try:
        yield conn
    finally:
        await conn.close()


async def _as_tenant(conn: asyncpg.Connection, tenant_id: uuid.UUID | None) -> None:
    await conn.execute("select set_config('app.tenant_id', $1, false)", str(tenant_id) if tenant_id else "")


@pytest.fixture
async def two_tenants(api, client, admin_conn):
    """Tenants A and B, each with a row in every tenant table (made through the API where it can)."""
    tenants = [api.tenant(), api.tenant()]
    for t in tenants:
        await client.patch("/api/v1/catalog/settings", json={"overhead_pct": 5}, headers=t.headers(_admin()))
        fid = await api.filament(t)
        model = await api.model(
            t,
            materials=[{"filament_type_id": str(fid), "grams": 1}],
            components=[{"name": "c", "quantity": 1, "unit_cost": 1}],
        )
        child = await api.product(t, models=[{"model_id": model["id"]}])
        product = await api.product(t, children=[{"product_id": child["id"]}])
        channel = await client.post(
            "/api/v1/sales-channels", json={"name": "Shop"}, headers=t.headers(_admin())
        )
        await client.put(
            f"/api/v1/products/{product['id']}/prices/{channel.json()['id']}",
            json={"price": 5},
            headers=t.headers(),
        )
        await client.post(
            f"/api/v1/models/{model['id']}/stock-adjustments",
            json={"delta": 2, "reason": "r"},
            headers=t.headers(),
        )
        await admin_conn.execute(
            "insert into catalog.run_contributions (id, tenant_id, run_id, model_id, successful_units)"
            f" values ({G}, $1, {G}, $2, 1)",
            t.id,
            uuid.UUID(model["id"]),
        )
        await admin_conn.execute(
            "insert into catalog.product_images (id, tenant_id, product_id, storage_key, thumbnail_key,"
            " content_type, width, height, size_bytes, thumbnail_size_bytes, sha256)"
            f" values ({G}, $1, $2, 'k', 't', 'image/png', 1, 1, 1, 1, 'x')",
            t.id,
            uuid.UUID(product["id"]),
        )
        await admin_conn.execute(
            "insert into catalog.inbox (consumer, event_id, tenant_id, event_type) values ('t', $1, $2, 'x')",
            uuid.uuid4(),
            t.id,
        )
    return tenants


def _admin():
    from batchivo_common.auth.tokens import Role

    return Role.admin


async def test_each_tenant_sees_only_its_rows_in_every_table(two_tenants, as_app, admin_conn) -> None:
    a, b = two_tenants
    for table in sorted(set(INSERTS) - {"outbox"}):
        assert await admin_conn.fetchval(f"select count(distinct tenant_id) from catalog.{table}") == 2, table
        for t in (a, b):
            await _as_tenant(as_app, t.id)
            tenants = {r[0] for r in await as_app.fetch(f"select tenant_id from catalog.{table}")}
            assert tenants == {t.id}, table
        await _as_tenant(as_app, None)
        assert await as_app.fetchval(f"select count(*) from catalog.{table}") == 0, table


@pytest.mark.parametrize("table", sorted(INSERTS))
async def test_no_table_accepts_another_tenants_row(as_app, table: str) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _as_tenant(as_app, a)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(INSERTS[table], b)
    await _as_tenant(as_app, None)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(INSERTS[table], a)


async def test_the_stock_ledger_is_append_only_for_the_app_role(two_tenants, as_app) -> None:
    a, _ = two_tenants
    await _as_tenant(as_app, a.id)
    assert await as_app.fetchval("select count(*) from catalog.stock_movements") == 1
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("update catalog.stock_movements set delta = 0")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("delete from catalog.stock_movements")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("update catalog.run_contributions set successful_units = 0")


async def test_the_outbox_is_insert_only_for_the_app_role(two_tenants, as_app, admin_conn) -> None:
    a, _ = two_tenants
    assert await admin_conn.fetchval("select count(*) from catalog.outbox") > 0
    await _as_tenant(as_app, a.id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.fetch("select * from catalog.outbox")
