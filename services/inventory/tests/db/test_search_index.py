"""A search under RLS may use the (tenant_id, search_document) GIN index (ADR 0014), and the bootstrap marked
``tsvector @@ tsquery`` LEAKPROOF: without that the planner kept rare-word searches on the tenant's btree,
a scan of all its rows (7x slower at 100,000 spools than at 1,000, bench/README.md)."""

from __future__ import annotations

import json
import uuid

import pytest
from batchivo_inventory.spools import search
from batchivo_inventory.spools.repository import SEARCH_CANDIDATES

pytestmark = pytest.mark.db

#: The tenant from RLS only (the repository also writes ``tenant_id = $1``, which PostgreSQL folds with it).
UNICORN = "select id from inventory.spools where search_document @@ $1::tsquery limit 1000"


async def _add_spools(conn, tenant_id: uuid.UUID, filament_type_id: uuid.UUID, count: int) -> None:
    """``count`` more spools of the type, set-based (the trigger builds their documents), on Shelf 0-6."""
    await conn.execute(
        "insert into inventory.spools (id, tenant_id, code, filament_type_id, initial_weight,"
        " current_weight, location) select gen_random_uuid(), $1, 'X-' || g, $2, 1000, 1000,"
        " 'Shelf ' || (g % 7) from generate_series(1, $3) g",
        tenant_id,
        filament_type_id,
        count,
    )


async def test_the_document_index_serves_a_search_under_rls(api, client, admin_conn, inventory_db) -> None:
    assert await admin_conn.fetchval("select proleakproof from pg_proc where oid = 'ts_match_vq'::regproc")
    tenant = api.tenant()
    spool = await api.spool(tenant, location="Shelf A")
    await _add_spools(admin_conn, tenant.id, uuid.UUID(spool["filament_type_id"]), 3000)
    await admin_conn.execute("analyze inventory.spools")
    # In a transaction rolled back at the end, as the app role under RLS: without the tenant's btree indexes
    # and with sequential scans priced out, the plan shows whether the GIN index may serve the match at all
    # (at this size the planner rightly prefers the btree; at 100,000 it takes the GIN, bench/README.md).
    transaction = admin_conn.transaction()
    await transaction.start()
    try:
        # Every btree index that starts with the tenant (whatever later migrations add), and the unique code.
        await admin_conn.execute("alter table inventory.spools drop constraint uq_spools_tenant_id_code")
        tenant_btrees = await admin_conn.fetch(
            "select indexname from pg_indexes where schemaname = 'inventory' and tablename = 'spools'"
            " and indexdef like '%USING btree (tenant_id%'"
        )
        assert tenant_btrees
        for index in tenant_btrees:
            await admin_conn.execute(f'drop index inventory."{index["indexname"]}"')
        await admin_conn.execute("select set_config('app.tenant_id', $1, true)", str(tenant.id))
        await admin_conn.execute("set local enable_seqscan = off")
        await admin_conn.execute(f'set local role "{inventory_db.roles.app}"')
        plan = json.dumps(
            json.loads(await admin_conn.fetchval(f"explain (format json) {UNICORN}", "'unicorn'"))
        )
        assert "ix_spools_tenant_id_search_document" in plan, plan
        assert await admin_conn.fetch(UNICORN, "'unicorn'") == []
        found = await admin_conn.fetch(UNICORN, "'shelf' <-> '3'")
        assert len(found) == len([g for g in range(1, 3001) if g % 7 == 3])
    finally:
        await transaction.rollback()
    assert await admin_conn.fetchval(
        "select count(*) from pg_indexes where indexname = 'ix_spools_tenant_id_is_archived'"
    )


#: The tenant's spools below, each with the word "shelf": enough that, told 2 %, the planner takes a bitmap.
EVERY_SPOOL_MATCHES = 5_000


def _nodes(plan: dict) -> list[dict]:
    return [plan, *[n for child in plan.get("Plans", []) for n in _nodes(child)]]


async def test_a_word_in_every_spool_is_counted_without_reading_every_match(
    api, admin_conn, inventory_db
) -> None:
    """A search's count stops at SEARCH_CANDIDATES + 1 only if the planner walks the spools; a bitmap (of
    the GIN or the tenant's index) reads every match first (100,000 at a big tenant: 15 ms for a page of
    50). When the column's statistics hold fewer than 100 common words (a shop with a small vocabulary),
    PostgreSQL prices a prefix lexeme ('shelf':*) at a flat 2 %, so the match query also names each word
    exactly ('shelf' | 'shelf':*): the same rows, priced from the word's frequency (ADR 0014)."""
    tenant = api.tenant()
    spool = await api.spool(tenant, location="Shelf A")
    counted = (
        "select count(*) from (select id from inventory.spools where tenant_id = $1 and is_archived is false"
        f" and search_document @@ $2::tsquery limit {SEARCH_CANDIDATES + 1}) as matches"
    )
    match = search.build(search.parse("shelf"), {}).match
    assert match == "('shelf' | 'shelf':*)"

    async def most_rows(tsquery: str) -> int:
        """The most rows any node of the count's plan produced, as the app role under RLS."""
        async with admin_conn.transaction():
            await admin_conn.execute("select set_config('app.tenant_id', $1, true)", str(tenant.id))
            await admin_conn.execute("set local enable_seqscan = off")  # as at scale, where it costs the most
            await admin_conn.execute(f'set local role "{inventory_db.roles.app}"')
            explained = await admin_conn.fetchval(
                f"explain (analyze, format json) {counted}", tenant.id, tsquery
            )
            assert await admin_conn.fetchval(counted, tenant.id, tsquery) == SEARCH_CANDIDATES + 1
        return max(int(n["Actual Rows"]) for n in _nodes(json.loads(explained)[0]["Plan"]))

    # Rolled back at the end, statistics included: the spools, and a statistics target of 5 (50 common words).
    transaction = admin_conn.transaction()
    await transaction.start()
    try:
        await _add_spools(
            admin_conn, tenant.id, uuid.UUID(spool["filament_type_id"]), EVERY_SPOOL_MATCHES - 1
        )
        await admin_conn.execute("alter table inventory.spools alter column search_document set statistics 5")
        await admin_conn.execute("analyze inventory.spools")
        assert await most_rows("'shelf':*") == EVERY_SPOOL_MATCHES  # the prefix alone reads every match
        assert await most_rows(match) == SEARCH_CANDIDATES + 1
    finally:
        await transaction.rollback()
