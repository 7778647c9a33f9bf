"""Migration 0010_import_sources sets the Spoolman keys made before instances were told apart aside (and its
downgrade puts them back), and its trigger stands aside only while ``app.spool_search_bulk`` is on."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest
from batchivo_common.testing.plugin import alembic

pytestmark = pytest.mark.db

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
#: The revision 0010_import_sources revises.
BEFORE = "0009_search_accents"


async def _sources(conn: asyncpg.Connection, tenant: uuid.UUID) -> dict[str, str]:
    rows = await conn.fetch(
        "select external_id, source from inventory.import_keys where tenant_id = $1", tenant
    )
    return {r["external_id"]: r["source"] for r in rows}


async def test_old_spoolman_keys_move_aside_and_back(app, inventory_db, batchivo_infra) -> None:
    alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "downgrade", BEFORE)
    tenant = uuid.uuid4()
    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        for external_id, source in (("7", "spoolman"), ("8", "csv")):
            await conn.execute(
                "insert into inventory.import_keys (id, tenant_id, source, kind, external_id, target_id)"
                " values ($1, $2, $3, 'spool', $4, $5)",
                uuid.uuid4(),
                tenant,
                source,
                external_id,
                uuid.uuid4(),
            )
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
        assert await _sources(conn, tenant) == {"7": "spoolman-before-instances", "8": "csv"}
        forced = await conn.fetchval(
            "select relforcerowsecurity from pg_class where oid = 'inventory.import_keys'::regclass"
        )
        assert forced is True
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "downgrade", BEFORE)
        assert await _sources(conn, tenant) == {"7": "spoolman", "8": "csv"}
    finally:
        await conn.execute("delete from inventory.import_keys where tenant_id = $1", tenant)
        await conn.close()
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
