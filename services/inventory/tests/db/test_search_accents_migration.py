"""Migration 0009_search_accents rebuilds the existing spools' documents and the tenants' search words with
accents folded (and the words of types without spools), and its downgrade restores 0008's unfolded ones."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest
from batchivo_common.testing.plugin import alembic

pytestmark = pytest.mark.db

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
#: The revision 0009_search_accents revises.
BEFORE = "0008_history"


async def _state(conn: asyncpg.Connection, tenant: uuid.UUID) -> tuple[set[str], set[str], bool]:
    document = await conn.fetchval(
        "select array_to_string(tsvector_to_array(search_document), ' ') from inventory.spools"
        " where tenant_id = $1",
        tenant,
    )
    terms = await conn.fetch("select term from inventory.spool_search_terms where tenant_id = $1", tenant)
    forced = await conn.fetchval(
        "select bool_and(relforcerowsecurity) from pg_class where oid = any(array['inventory.spools',"
        " 'inventory.filament_types', 'inventory.material_types',"
        " 'inventory.spool_search_terms']::regclass[])"
    )
    return set(document.split()), {r["term"] for r in terms}, forced


async def test_the_upgrade_folds_existing_documents_and_words_and_the_downgrade_unfolds_them(
    app, inventory_db, batchivo_infra
) -> None:
    alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "downgrade", BEFORE)
    tenant = uuid.uuid4()
    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        pla = await conn.fetchval(
            "select id from inventory.material_types where code = 'PLA' and tenant_id is null"
        )
        brown, teal = uuid.uuid4(), uuid.uuid4()
        for ft, colour in ((brown, "Café Brown"), (teal, "Türkis")):
            await conn.execute(
                "insert into inventory.filament_types (id, tenant_id, material_type_id, brand, color_name,"
                " min_stock_grams) values ($1, $2, $3, 'Polymaker', $4, 0)",
                ft,
                tenant,
                pla,
                colour,
            )
        await conn.execute(
            "insert into inventory.spools (id, tenant_id, code, filament_type_id, initial_weight,"
            " current_weight, location) values ($1, $2, 'FIL-001', $3, 1000, 1000, 'Küche')",
            uuid.uuid4(),
            tenant,
            brown,
        )
        document, terms, _ = await _state(conn, tenant)
        assert {"café", "küche"} <= document and "cafe" not in document
        assert "café" in terms and "türkis" not in terms  # before 0009 a type without spools adds none

        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
        document, terms, forced = await _state(conn, tenant)
        assert {"cafe", "kuche", "brown", "polymaker", "pla", "fil001"} <= document
        assert not {"café", "küche"} & document
        assert {"cafe", "kuche", "turkis"} <= terms and not {"café", "küche", "türkis"} & terms
        assert forced

        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "downgrade", BEFORE)
        document, terms, forced = await _state(conn, tenant)
        assert {"café", "küche"} <= document and "cafe" not in document
        assert "café" in terms and "cafe" not in terms
        assert forced
    finally:
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
        await app.state.engine.dispose()  # its connections cached plans of the old schema
        await conn.execute("delete from inventory.spools where tenant_id = $1", tenant)
        await conn.execute("delete from inventory.spool_search_terms where tenant_id = $1", tenant)
        await conn.execute("delete from inventory.filament_types where tenant_id = $1", tenant)
        await conn.close()
