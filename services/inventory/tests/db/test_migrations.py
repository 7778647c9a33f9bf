"""The migration round-trips, and the ORM models describe exactly the schema it builds."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from batchivo_common.testing.migrations import schema_drift
from batchivo_common.testing.plugin import alembic
from batchivo_inventory.db import metadata

pytestmark = pytest.mark.db

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


async def _objects(admin_url: str) -> dict[str, set[str]]:
    conn = await asyncpg.connect(admin_url)
    try:
        tables = await conn.fetch("select tablename from pg_tables where schemaname = 'inventory'")
        policies = await conn.fetch("select policyname from pg_policies where schemaname = 'inventory'")
        globals_ = await conn.fetch("select code from inventory.material_types where tenant_id is null")
    finally:
        await conn.close()
    return {
        "tables": {r[0] for r in tables},
        "policies": {r[0] for r in policies},
        "globals": {r[0] for r in globals_},
    }


async def test_downgrade_to_base_and_upgrade_to_head_round_trips(app, inventory_db, batchivo_infra) -> None:
    before = await _objects(inventory_db.admin_url)
    assert before["tables"] == {
        "alembic_version",
        "material_types",
        "filament_types",
        "filament_type_barcodes",
        "spools",
        "spool_code_counters",
        "spool_search_terms",
        "inventory_transactions",
        "locations",
        "spool_events",
        "outbox",
        "inbox",
        "inventory_settings",
        "import_keys",
    }
    assert before["globals"] == {"PLA", "PETG", "ABS", "TPU", "ASA", "NYLON", "PCTG", "PC"}
    alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "downgrade", "base")
    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        left = {
            r[0] for r in await conn.fetch("select tablename from pg_tables where schemaname = 'inventory'")
        }
    finally:
        await conn.close()
    assert left == {"alembic_version"}
    alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
    assert await _objects(inventory_db.admin_url) == before
    await app.state.engine.dispose()


async def test_the_models_match_the_migration(inventory_db) -> None:
    assert await schema_drift(inventory_db, metadata) == []
