"""Migration 0016 rewrites the search document's functions so that PostgreSQL plans them once per session
(ADR 0030). They must return exactly what 0015's returned (no document is rebuilt), and must stay cheap: the
planner inlines ``search_words``, and no ``LANGUAGE sql`` function runs when a spool is written."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest
from batchivo_common.testing.plugin import alembic

pytestmark = pytest.mark.db

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
#: The revision 0016_search_planned_once revises.
BEFORE = "0015_priced_totals"

TEXTS = [
    None,
    "",
    " ",
    "--",
    "a",
    "0",
    "00",
    "00 07",
    "000 0007 0a a07 0x0 007b 10 100",
    "FIL-001",
    "FIL-0010-00",
    "LOT-2024-0117",
    "Prusa Rësearch/LOT 0007",
    "  x--y__z 00 ",
    "Café Brown",
    "Cafe\u0301 Gru\u0308n",
    "Straße STRAẞE Ærø Œuvre",
    "İstanbul ılık",  # noqa: RUF001 - the dotless i is the point
    "tab\tnew\nline",
    "日本語 テキスト",
    "\u0661\u0662 \u0660\u0661",  # Arabic-Indic digits: alphanumeric, but no leading zero of [0-9]
    "12.5mm Ø 1.75",
    "PLA+ PETG-CF",
    "x" + " 0y" * 30,
]
#: (code, supplier, location, lot, brand, colour, finish, material code, material name).
DOCUMENTS = [
    ("FIL-001", None, None, None, "Polymaker", "Café Brown", None, "PLA", "Polylactic acid"),
    ("FIL-0010", "Prusa Rësearch", "Shelf A/B", "LOT-0007", "Bench", "Grün", "Matte", "PETG", None),
    ("", "", "", "", "", "", "", "", ""),
    (None, None, None, None, None, None, None, None, None),
    ("A-00-01", "x", "Küche 3", "007", "eSun", "Türkis", "Silk", "TPU", "Thermoplastic 95A"),
]


async def _outputs(conn: asyncpg.Connection) -> list[object]:
    words = await conn.fetch(
        "select inventory.search_words(t.v) as w, inventory.search_identifier(t.v) as i"
        " from unnest($1::text[]) with ordinality as t(v, n) order by t.n",
        TEXTS,
    )
    documents = [
        await conn.fetchval(
            "select inventory.spool_search_document($1, $2, $3, $4, $5, $6, $7, $8, $9)::text", *d
        )
        for d in DOCUMENTS
    ]
    return [(list(r["w"]), r["i"]) for r in words] + documents


async def test_the_rewritten_functions_return_what_the_old_ones_did(
    app, inventory_db, batchivo_infra
) -> None:
    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "downgrade", BEFORE)
        before = await _outputs(conn)
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
        after = await _outputs(conn)
    finally:
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
        await conn.close()
        await app.state.engine.dispose()  # its connections cached plans of the old functions
    assert after == before
    # and they are the documents promised, not merely equal
    assert before[TEXTS.index("FIL-001")] == (["fil", "001"], "fil 001 fil 1 fil001 fil1")
    assert before[TEXTS.index("00 07")] == (["00", "07"], "00 07 0 7 0007 07")
    assert "'cafe':" in before[len(TEXTS)] and "'fil1':" in before[len(TEXTS)]


async def test_writing_a_spool_runs_no_sql_function_the_planner_cannot_inline(admin_conn) -> None:
    """``track_functions = 'all'`` counts every call of a function that is not inlined: the trigger's
    PL/pgSQL functions, but no ``LANGUAGE sql`` one (each of those was parsed and planned per spool)."""
    tenant, filament_type = uuid.uuid4(), uuid.uuid4()
    transaction = admin_conn.transaction()
    await transaction.start()
    try:  # rolled back: nothing of this stays
        await admin_conn.execute("set local track_functions = 'all'")
        pla = await admin_conn.fetchval(
            "select id from inventory.material_types where code = 'PLA' and tenant_id is null"
        )
        await admin_conn.execute(
            "insert into inventory.filament_types (id, tenant_id, material_type_id, brand, color_name,"
            " min_stock_grams) values ($1, $2, $3, 'Polymaker', 'Café Brown', 0)",
            filament_type,
            tenant,
            pla,
        )
        await admin_conn.execute(
            "insert into inventory.spools (id, tenant_id, code, filament_type_id, initial_weight,"
            " current_weight, location, supplier, lot_number) values ($1, $2, 'FIL-007', $3, 1000, 1000,"
            " 'Küche', 'Prusa', 'LOT-01')",
            uuid.uuid4(),
            tenant,
            filament_type,
        )
        called = await admin_conn.fetch(
            "select f.funcname, l.lanname"
            " from pg_stat_xact_user_functions f join pg_proc p on p.oid = f.funcid"
            " join pg_language l on l.oid = p.prolang where f.schemaname = 'inventory'"
        )
        document = await admin_conn.fetchval(
            "select search_document::text from inventory.spools where tenant_id = $1", tenant
        )
    finally:
        await transaction.rollback()
    by_language = {(r["funcname"], r["lanname"]) for r in called}
    assert ("spools_search_document", "plpgsql") in by_language  # the trigger ran, and was counted
    assert ("spool_search_document", "plpgsql") in by_language
    assert {name for name, language in by_language if language == "sql"} == set()
    assert "'fil7':" in document and "'kuche':" in document
