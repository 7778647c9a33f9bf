"""Row-level security as the app role, in raw SQL, for every production table."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

pytestmark = pytest.mark.db

T = "$1"
G = "gen_random_uuid()"
#: One insert per tenant table, each naming tenant ``$1`` (parents need not exist: RLS and privileges are
#: checked before foreign keys).
INSERTS = {
    "printers": f"insert into production.printers (id, tenant_id, name) values ({G}, {T}, 'p')",
    "printer_spools": "insert into production.printer_spools (id, tenant_id, printer_id, slot, spool_id)"
    f" values ({G}, {T}, {G}, 0, {G})",
    "spools": "insert into production.spools (tenant_id, id, code, filament_type_id, material_code, brand,"
    f" color_name, current_weight, is_archived, aggregate_version) values ({T}, {G}, 'c', {G}, 'PLA', 'b',"
    " 'c', 1, false, 1)",
    "models": "insert into production.models (tenant_id, id, sku, name, is_active, prints_per_plate,"
    f" aggregate_version) values ({T}, {G}, 's', 'n', true, 1, 1)",
    "model_materials": "insert into production.model_materials (tenant_id, model_id, filament_type_id, grams)"
    f" values ({T}, {G}, {G}, 1)",
    "run_counters": "insert into production.run_counters (tenant_id, day, last_number)"
    f" values ({T}, now(), 1)",
    "production_runs": "insert into production.production_runs (id, tenant_id, run_number, status, run_date)"
    f" values ({G}, {T}, 'RUN', 'planned', now())",
    "run_items": "insert into production.run_items (id, tenant_id, run_id, model_id, quantity)"
    f" values ({G}, {T}, {G}, {G}, 1)",
    "run_materials": "insert into production.run_materials (id, tenant_id, run_id, spool_id)"
    f" values ({G}, {T}, {G}, {G})",
    "inbox": "insert into production.inbox (consumer, event_id, tenant_id, event_type)"
    f" values ('c', {G}, {T}, 't')",
    "outbox": "insert into production.outbox (event_id, tenant_id, event_type, routing_key, envelope)"
    f" values ({G}, {T}, 't', 't', '{{}}')",
}


def _dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def as_app(production_db) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(_dsn(production_db.app_url))
    try:
        yield conn
    finally:
        await conn.close()


async def _as_tenant(conn: asyncpg.Connection, tenant_id: uuid.UUID | None) -> None:
    await conn.execute("select set_config('app.tenant_id', $1, false)", str(tenant_id) if tenant_id else "")


async def test_every_table_is_listed(admin_conn) -> None:
    rows = await admin_conn.fetch("select tablename from pg_tables where schemaname = 'production'")
    assert {r[0] for r in rows} - {"alembic_version"} == set(INSERTS)


@pytest.mark.parametrize("table", sorted(INSERTS))
async def test_the_app_role_writes_and_sees_only_its_tenant(table, as_app, client, admin_conn) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _as_tenant(as_app, a)
    # Another tenant's row is refused by the policy's WITH CHECK.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(INSERTS[table].replace("$1", f"'{b}'::uuid"))
    if table == "outbox":
        await as_app.execute(INSERTS[table].replace("$1", f"'{a}'::uuid"))
        return  # the app role may only insert outbox rows
    if table in ("printer_spools", "run_items", "run_materials"):
        return  # need a parent row; the policy already refused the other tenant above
    await as_app.execute(INSERTS[table].replace("$1", f"'{a}'::uuid"))
    seen = await as_app.fetchval(f"select count(*) from production.{table}")
    assert seen == 1
    await _as_tenant(as_app, b)
    assert await as_app.fetchval(f"select count(*) from production.{table}") == 0
    await _as_tenant(as_app, None)
    assert await as_app.fetchval(f"select count(*) from production.{table}") == 0
    total = await admin_conn.fetchval(f"select count(*) from production.{table}")
    assert total == 1


async def test_run_counters_cannot_be_deleted_by_the_app(as_app, client) -> None:
    tenant = uuid.uuid4()
    await _as_tenant(as_app, tenant)
    await as_app.execute(INSERTS["run_counters"].replace("$1", f"'{tenant}'::uuid"))
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("delete from production.run_counters")
