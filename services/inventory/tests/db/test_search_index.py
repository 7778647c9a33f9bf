"""A search under RLS may use the (tenant_id, search_document) GIN index (ADR 0014), and the bootstrap marked
``tsvector @@ tsquery`` LEAKPROOF: without that the planner kept rare-word searches on the tenant's btree,
a scan of all its rows (7x slower at 100,000 spools than at 1,000, bench/README.md)."""

from __future__ import annotations

import json
import uuid

import pytest

pytestmark = pytest.mark.db

#: The tenant from RLS only (the repository also writes ``tenant_id = $1``, which PostgreSQL folds with it).
UNICORN = "select id from inventory.spools where search_document @@ $1::tsquery limit 1000"


async def test_the_document_index_serves_a_search_under_rls(api, client, admin_conn, inventory_db) -> None:
    assert await admin_conn.fetchval("select proleakproof from pg_proc where oid = 'ts_match_vq'::regproc")
    tenant = api.tenant()
    spool = await api.spool(tenant, location="Shelf A")
    # 3,000 more spools of the same type, set-based (the trigger builds their documents)
    await admin_conn.execute(
        "insert into inventory.spools (id, tenant_id, code, filament_type_id, initial_weight, current_weight,"
        " location) select gen_random_uuid(), $1, 'X-' || g, $2, 1000, 1000, 'Shelf ' || (g % 7)"
        " from generate_series(1, 3000) g",
        tenant.id,
        uuid.UUID(spool["filament_type_id"]),
    )
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
