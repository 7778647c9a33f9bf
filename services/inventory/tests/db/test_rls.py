"""Row-level security as the app role, in raw SQL, for every inventory table; append-only ledger grants."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

TENANT_TABLES = (
    "filament_types",
    "filament_type_barcodes",
    "spools",
    "spool_code_counters",
    "spool_search_terms",
    "inventory_transactions",
    "locations",
    "spool_events",
    "inbox",
    "inventory_settings",
    "import_keys",
)


def _dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def as_app(inventory_db) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(_dsn(inventory_db.app_url))
    try:
        yield conn
    finally:
        await conn.close()


async def _as_tenant(conn: asyncpg.Connection, tenant_id: uuid.UUID | None) -> None:
    await conn.execute("select set_config('app.tenant_id', $1, false)", str(tenant_id) if tenant_id else "")


@pytest.fixture
async def two_tenants(api, client, admin_conn):
    """Tenants A and B, each with a material type, a filament type with a retail code, a used spool, and an
    inbox row."""
    a, b = api.tenant(), api.tenant()
    for tenant in (a, b):
        material = await client.post(
            "/api/v1/material-types", json={"code": "MINE", "name": "Mine"}, headers=tenant.headers()
        )
        assert material.status_code == 201
        spool = await api.spool(tenant, location="Shelf A")
        remembered = await client.post(
            f"/api/v1/filament-types/{spool['filament_type_id']}/barcodes",
            json={"code": "4006381333931"},
            headers=tenant.headers(),
        )
        assert remembered.status_code == 201, remembered.text
        await client.post(f"/api/v1/spools/{spool['id']}/use", json={"grams": 1}, headers=tenant.headers())
        saved = await client.put(
            "/api/v1/inventory/settings", json={"currency_code": "EUR"}, headers=tenant.headers(Role.admin)
        )
        assert saved.status_code == 200, saved.text
        moved = await client.post(
            "/api/v1/spools/move",
            json={"spool_ids": [spool["id"]], "location": "Box"},
            headers=tenant.headers(),
        )
        assert moved.status_code == 200, moved.text
        await admin_conn.execute(
            "insert into inventory.inbox (consumer, event_id, tenant_id, event_type)"
            " values ('t', $1, $2, 'x')",
            uuid.uuid4(),
            tenant.id,
        )
        await admin_conn.execute(
            "insert into inventory.import_keys (id, tenant_id, source, kind, external_id, target_id)"
            " values ($1, $2, 'csv', 'spool', 'e1', $3)",
            uuid.uuid4(),
            tenant.id,
            uuid.UUID(spool["id"]),
        )
    return a, b


async def test_each_tenant_sees_only_its_rows(two_tenants, as_app, admin_conn) -> None:
    a, b = two_tenants
    for table in TENANT_TABLES:
        total = await admin_conn.fetchval(f"select count(*) from inventory.{table}")
        await _as_tenant(as_app, a.id)
        tenants = {r[0] for r in await as_app.fetch(f"select tenant_id from inventory.{table}")}
        assert tenants == {a.id}, table
        await _as_tenant(as_app, b.id)
        tenants = {r[0] for r in await as_app.fetch(f"select tenant_id from inventory.{table}")}
        assert tenants == {b.id}, table
        await _as_tenant(as_app, None)
        assert await as_app.fetchval(f"select count(*) from inventory.{table}") == 0, table
        assert total >= 2


async def test_material_types_globals_for_all_own_rows_private(two_tenants, as_app) -> None:
    a, b = two_tenants
    await _as_tenant(as_app, a.id)
    rows = await as_app.fetch("select code, tenant_id from inventory.material_types")
    assert {r["tenant_id"] for r in rows} == {None, a.id}
    assert len([r for r in rows if r["tenant_id"] is None]) == 8
    await _as_tenant(as_app, None)
    rows = await as_app.fetch("select tenant_id from inventory.material_types")
    assert {r["tenant_id"] for r in rows} == {None}
    # globals cannot be written by anyone through the app role
    await _as_tenant(as_app, a.id)
    assert (
        await as_app.execute("update inventory.material_types set name = 'x' where tenant_id is null")
        == "UPDATE 0"
    )
    assert await as_app.execute("delete from inventory.material_types where tenant_id is null") == "DELETE 0"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("insert into inventory.material_types (code, name) values ('G', 'global')")
    assert (
        await as_app.execute(f"update inventory.material_types set name = 'x' where tenant_id = '{b.id}'")
        == "UPDATE 0"
    )


async def test_no_tenant_can_write_another_tenants_rows(two_tenants, as_app) -> None:
    a, b = two_tenants
    await _as_tenant(as_app, a.id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(
            "insert into inventory.spool_code_counters (tenant_id, next_value) values ($1, 1)", b.id
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(
            "insert into inventory.material_types (tenant_id, code, name) values ($1, 'Q', 'q')", b.id
        )
    assert await as_app.execute("update inventory.spools set location = 'x'") == "UPDATE 1"  # only its own
    await _as_tenant(as_app, None)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(
            "insert into inventory.spool_code_counters (tenant_id, next_value) values ($1, 1)", a.id
        )


async def test_the_ledger_is_append_only_for_the_app_role(two_tenants, as_app) -> None:
    a, _ = two_tenants
    await _as_tenant(as_app, a.id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("update inventory.inventory_transactions set delta = 0")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("delete from inventory.inventory_transactions")


async def test_only_an_api_keys_latest_usage_row_can_grow(two_tenants, as_app, admin_conn) -> None:
    """Migration 0014's column grant and guard: the Spoolman-compatible ``use`` merges an API key's report
    into its latest usage row of the spool; no other row, column or direction of change is writable."""
    a, _ = two_tenants
    await _as_tenant(as_app, a.id)
    spool_id, last = await as_app.fetchrow(
        "select spool_id, grams_after from inventory.inventory_transactions order by created_at desc limit 1"
    )
    key_id = uuid.uuid4()
    insert = (
        "insert into inventory.inventory_transactions (id, tenant_id, spool_id, kind, grams_before, delta,"
        " grams_after, api_key_id) values ($1, $2, $3, 'usage', $4::numeric, -1, $4::numeric - 1, $5)"
    )
    row_id = uuid.uuid4()
    await as_app.execute(insert, row_id, a.id, spool_id, last, key_id)
    grow = "update inventory.inventory_transactions set delta = delta - $2, grams_after = grams_after - $2"
    assert await as_app.execute(grow + " where id = $1", row_id, 2) == "UPDATE 1"
    for refused in (
        (grow + " where id = $1", row_id, -1),  # shrinking the usage
        (grow + " where kind = 'purchase' and spool_id = $1", spool_id, 1),  # not a key's usage row
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await as_app.execute(*refused)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # only delta and grams_after are granted
        await as_app.execute("update inventory.inventory_transactions set reason = 'x' where id = $1", row_id)
    await as_app.execute(insert, uuid.uuid4(), a.id, spool_id, last - 3, None)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # no longer the spool's latest row
        await as_app.execute(grow + " where id = $1", row_id, 1)


async def test_the_spool_history_is_append_only_for_the_app_role(two_tenants, as_app) -> None:
    a, _ = two_tenants
    await _as_tenant(as_app, a.id)
    assert await as_app.fetchval("select count(*) from inventory.spool_events") == 1
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("update inventory.spool_events set kind = 'x'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("delete from inventory.spool_events")


async def test_every_inventory_table_with_tenant_id_is_guarded(admin_conn) -> None:
    """A new tenant table must force RLS and be listed above; an unguarded one fails here."""
    rows = await admin_conn.fetch(
        "select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid"
        " where n.nspname = 'inventory' and c.relkind = 'r' and a.attname = 'tenant_id'"
    )
    unguarded = [r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"])]
    assert unguarded == []
    assert {r["relname"] for r in rows} - {"material_types", "outbox"} == set(TENANT_TABLES)
    assert set(INSERTS) >= {r["relname"] for r in rows}


async def test_the_outbox_is_insert_only_for_the_app_role(two_tenants, as_app, admin_conn) -> None:
    a, _ = two_tenants
    assert await admin_conn.fetchval("select count(*) from inventory.outbox") > 0
    await _as_tenant(as_app, a.id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.fetch("select * from inventory.outbox")


INSERTS = {
    "material_types": "insert into inventory.material_types (id, tenant_id, code, name)"
    " values (gen_random_uuid(), $1, 'ZZ', 'z')",
    "filament_types": "insert into inventory.filament_types"
    " (id, tenant_id, material_type_id, brand, color_name, min_stock_grams)"
    " values (gen_random_uuid(), $1, gen_random_uuid(), 'b', 'c', 0)",
    "filament_type_barcodes": "insert into inventory.filament_type_barcodes"
    " (id, tenant_id, filament_type_id, code)"
    " values (gen_random_uuid(), $1, gen_random_uuid(), '4006381333931')",
    "spools": "insert into inventory.spools"
    " (id, tenant_id, code, filament_type_id, initial_weight, current_weight)"
    " values (gen_random_uuid(), $1, 'X-1', gen_random_uuid(), 1, 1)",
    "spool_code_counters": "insert into inventory.spool_code_counters (tenant_id, next_value) values ($1, 1)",
    "spool_search_terms": "insert into inventory.spool_search_terms (tenant_id, term) values ($1, 'word')",
    "inventory_transactions": "insert into inventory.inventory_transactions (id, tenant_id, spool_id, kind,"
    " grams_before, delta, grams_after) values (gen_random_uuid(), $1, gen_random_uuid(), 'usage', 1, -1, 0)",
    "inventory_settings": "insert into inventory.inventory_settings (tenant_id, currency_code)"
    " values ($1, 'EUR')",
    "locations": "insert into inventory.locations (id, tenant_id, name) values (gen_random_uuid(), $1, 'L')",
    "spool_events": "insert into inventory.spool_events (id, tenant_id, spool_id, kind)"
    " values (gen_random_uuid(), $1, gen_random_uuid(), 'moved')",
    "inbox": "insert into inventory.inbox (consumer, event_id, tenant_id, event_type)"
    " values ('c', gen_random_uuid(), $1, 't')",
    "outbox": "insert into inventory.outbox (event_id, tenant_id, event_type, routing_key, envelope)"
    " values (gen_random_uuid(), $1, 't', 't', '{}')",
    "import_keys": "insert into inventory.import_keys (id, tenant_id, source, kind, external_id, target_id)"
    " values (gen_random_uuid(), $1, 'csv', 'spool', 'x', gen_random_uuid())",
}


@pytest.mark.parametrize("table", sorted(INSERTS))
async def test_no_table_accepts_another_tenants_row(as_app, table: str) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _as_tenant(as_app, a)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(INSERTS[table], b)
    await _as_tenant(as_app, None)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(INSERTS[table], a)


#: Tables with a ``tenant_id`` that are not plain tenant tables: globals readable by all, insert-only outbox.
SPECIAL_TABLES = {"material_types", "outbox"}


async def test_every_table_is_guarded_and_listed_here(admin_conn) -> None:
    """A new table fails here until it forces RLS (ENABLE + FORCE), has an entry in INSERTS and, when it
    has a ``tenant_id``, joins ``TENANT_TABLES``."""
    rows = await admin_conn.fetch(
        "select c.relname, c.relrowsecurity, c.relforcerowsecurity, exists (select 1 from pg_attribute a"
        " where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as tenant_scoped"
        " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'inventory' and c.relkind = 'r' and c.relname <> 'alembic_version'"
    )
    assert {r["relname"] for r in rows} == set(INSERTS)
    assert {r["relname"] for r in rows if r["tenant_scoped"]} == set(TENANT_TABLES) | SPECIAL_TABLES
    unguarded = [r["relname"] for r in rows if not (r["relrowsecurity"] and r["relforcerowsecurity"])]
    assert unguarded == []
