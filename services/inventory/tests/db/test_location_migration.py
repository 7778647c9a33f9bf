"""Migration 0005_locations turns the spools' free-text locations into location rows, per tenant."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest
from batchivo_common.testing.plugin import alembic

pytestmark = pytest.mark.db

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
#: The revision 0005_locations revises.
BEFORE = "0004_spool_search"


async def _spool(
    conn: asyncpg.Connection, tenant: uuid.UUID, ft: uuid.UUID, code: str, location: str | None
) -> None:
    await conn.execute(
        "insert into inventory.spools (id, tenant_id, code, filament_type_id, initial_weight, current_weight,"
        " location) values ($1, $2, $3, $4, 1000, 1000, $5)",
        uuid.uuid4(),
        tenant,
        code,
        ft,
        location,
    )


async def test_free_text_locations_become_rows_spelled_as_most_spools_spell_them(
    app, inventory_db, batchivo_infra
) -> None:
    alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "downgrade", BEFORE)
    a, b = uuid.uuid4(), uuid.uuid4()
    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        pla = await conn.fetchval(
            "select id from inventory.material_types where code = 'PLA' and tenant_id is null"
        )
        fts = {}
        for tenant in (a, b):
            fts[tenant] = uuid.uuid4()
            await conn.execute(
                "insert into inventory.filament_types (id, tenant_id, material_type_id, brand, color_name,"
                " min_stock_grams) values ($1, $2, $3, 'Prusament', 'Black', 0)",
                fts[tenant],
                tenant,
                pla,
            )
        for n, location in enumerate(["Shelf A", "Shelf A", " shelf a ", "Drybox", None, "   "], start=1):
            await _spool(conn, a, fts[a], f"A-{n}", location)
        await _spool(conn, b, fts[b], "B-1", "shelf a")
    finally:
        await conn.close()

    alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
    await app.state.engine.dispose()  # its connections cached plans of the old schema

    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        mine = [a, b]  # other tests may have left rows of their tenants
        rows = await conn.fetch(
            "select tenant_id, id, name from inventory.locations where tenant_id = any($1::uuid[])", mine
        )
        names = {(r["tenant_id"], r["name"]) for r in rows}
        assert names == {(a, "Drybox"), (a, "Shelf A"), (b, "shelf a")}
        ids = {(r["tenant_id"], r["name"]): r["id"] for r in rows}
        spools = {
            r["code"]: (r["location"], r["location_id"])
            for r in await conn.fetch(
                "select code, location, location_id from inventory.spools where tenant_id = any($1::uuid[])",
                mine,
            )
        }
        assert spools == {
            "A-1": ("Shelf A", ids[(a, "Shelf A")]),
            "A-2": ("Shelf A", ids[(a, "Shelf A")]),
            "A-3": ("Shelf A", ids[(a, "Shelf A")]),
            "A-4": ("Drybox", ids[(a, "Drybox")]),
            "A-5": (None, None),
            "A-6": (None, None),
            "B-1": ("shelf a", ids[(b, "shelf a")]),
        }
        # FORCE RLS is back on spools after the data moved.
        assert await conn.fetchval(
            "select relforcerowsecurity from pg_class where oid = 'inventory.spools'::regclass"
        )
    finally:
        await conn.execute("delete from inventory.spools where tenant_id = any($1::uuid[])", [a, b])
        await conn.execute("delete from inventory.locations where tenant_id = any($1::uuid[])", [a, b])
        await conn.execute("delete from inventory.filament_types where tenant_id = any($1::uuid[])", [a, b])
        await conn.close()
