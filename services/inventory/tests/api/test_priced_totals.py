"""A filament type's priced totals (migration 0015, ADR 0023) stay equal to a fresh sum over its spools
through every change the API makes to a spool: create, bulk, duplicate, reprice, a new initial weight,
unprice, move to another type, archive, use, delete; and its cost per gram is Σ price / Σ initial of them."""

from __future__ import annotations

import asyncio
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from batchivo_common.auth.tokens import Role
from batchivo_common.testing.plugin import alembic

pytestmark = pytest.mark.db

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"

SUMS = """
select f.id,
       f.priced_spool_count, f.priced_price_total, f.priced_weight_total,
       count(s.id) filter (where s.purchase_price is not null) as spools,
       coalesce(sum(s.purchase_price), 0) as price,
       coalesce(sum(s.initial_weight) filter (where s.purchase_price is not null), 0) as weight
from inventory.filament_types f left join inventory.spools s on s.filament_type_id = f.id
where f.tenant_id = $1
group by f.id
"""


async def assert_totals_match(conn: asyncpg.Connection, tenant_id: uuid.UUID) -> dict[uuid.UUID, Any]:
    rows = await conn.fetch(SUMS, tenant_id)
    assert rows
    for row in rows:
        kept = (row["priced_spool_count"], row["priced_price_total"], row["priced_weight_total"])
        assert kept == (row["spools"], row["price"], row["weight"]), dict(row)
    return {row["id"]: row for row in rows}


async def test_the_totals_follow_every_spool_change(api, admin_conn) -> None:
    tenant = api.tenant()
    pla = (await api.filament_type(tenant))["id"]
    petg = (await api.filament_type(tenant))["id"]
    headers = tenant.headers()
    client = api.client

    first = await api.spool(tenant, pla, purchase_price=20, initial_weight=1000)
    await api.spool(tenant, pla)  # unpriced: not counted
    bulk = await client.post(
        "/api/v1/spools/bulk",
        json={"filament_type_id": pla, "initial_weight": 750, "purchase_price": "18.50", "quantity": 3},
        headers=headers,
    )
    assert bulk.status_code == 201, bulk.text
    copy = await client.post(f"/api/v1/spools/{first['id']}/duplicate", headers=headers)
    assert copy.status_code == 201, copy.text
    totals = await assert_totals_match(admin_conn, tenant.id)
    assert totals[uuid.UUID(pla)]["priced_spool_count"] == 5
    assert totals[uuid.UUID(pla)]["priced_price_total"] == Decimal("95.50")  # 20 + 3 x 18.50 + 20

    changes: list[dict[str, Any]] = [
        {"purchase_price": 25},  # repriced
        {"initial_weight": 800, "current_weight": 800},  # a different reel size
        {"purchase_price": None},  # unpriced
        {"purchase_price": 30},  # priced again
        {"filament_type_id": petg},  # moved to another type
        {"supplier": "Elsewhere"},  # nothing the totals hold
    ]
    for change in changes:
        response = await client.patch(f"/api/v1/spools/{first['id']}", json=change, headers=headers)
        assert response.status_code == 200, (change, response.text)
        await assert_totals_match(admin_conn, tenant.id)

    for path in (f"/api/v1/spools/{copy.json()['id']}/archive", f"/api/v1/spools/{first['id']}/use"):
        response = await client.post(path, json={"grams": 100}, headers=headers)
        assert response.status_code == 200, response.text
    totals = await assert_totals_match(admin_conn, tenant.id)
    assert totals[uuid.UUID(pla)]["priced_spool_count"] == 4  # archived spools stay counted, as before
    assert totals[uuid.UUID(petg)]["priced_spool_count"] == 1

    removed = await client.delete(
        f"/api/v1/spools/{bulk.json()['items'][0]['id']}", headers=tenant.headers(Role.admin)
    )
    assert removed.status_code == 204, removed.text
    totals = await assert_totals_match(admin_conn, tenant.id)

    # The cost the API answers is the formula over the kept totals: (20 + 2 x 18.50) / (1000 + 2 x 750).
    pla_type = await client.get(f"/api/v1/filament-types/{pla}", headers=headers)
    assert pla_type.status_code == 200
    assert Decimal(str(pla_type.json()["cost_per_gram"])) == (Decimal(57) / Decimal(2500)).quantize(
        Decimal("0.0001")
    )
    assert pla_type.json()["cost_is_estimate"] is False
    petg_type = (await client.get(f"/api/v1/filament-types/{petg}", headers=headers)).json()
    assert Decimal(str(petg_type["cost_per_gram"])) == Decimal("0.0375")  # 30 / 800


async def test_a_type_without_priced_spools_is_an_estimate(api, admin_conn) -> None:
    tenant = api.tenant()
    kind = (await api.filament_type(tenant))["id"]
    spool = await api.spool(tenant, kind, purchase_price=20)
    response = await api.client.patch(
        f"/api/v1/spools/{spool['id']}", json={"purchase_price": None}, headers=tenant.headers()
    )
    assert response.status_code == 200, response.text
    totals = await assert_totals_match(admin_conn, tenant.id)
    assert totals[uuid.UUID(kind)]["priced_spool_count"] == 0
    body = (await api.client.get(f"/api/v1/filament-types/{kind}", headers=tenant.headers())).json()
    assert body["cost_is_estimate"] is True


async def test_concurrent_creates_and_reprices_keep_the_totals(api, admin_conn) -> None:
    tenant = api.tenant()
    kind = (await api.filament_type(tenant))["id"]
    spools = await asyncio.gather(*(api.spool(tenant, kind, purchase_price=10 + n) for n in range(20)))
    repriced = await asyncio.gather(
        *(
            api.client.patch(
                f"/api/v1/spools/{s['id']}", json={"purchase_price": 5}, headers=tenant.headers()
            )
            for s in spools[:10]
        )
    )
    assert [r.status_code for r in repriced] == [200] * 10
    totals = await assert_totals_match(admin_conn, tenant.id)
    assert totals[uuid.UUID(kind)]["priced_price_total"] == 10 * 5 + sum(10 + n for n in range(10, 20))


async def test_the_migration_fills_the_totals_from_the_spools(api, admin_conn, inventory_db, batchivo_infra):
    tenant = api.tenant()
    kind = (await api.filament_type(tenant))["id"]
    for price in (20, 22, None):
        await api.spool(tenant, kind, purchase_price=price)
    alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "downgrade", "0014_usage_coalescing")
    try:
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")
        totals = await assert_totals_match(admin_conn, tenant.id)
        assert totals[uuid.UUID(kind)]["priced_spool_count"] == 2
        forced = await admin_conn.fetch(
            "select relname, relforcerowsecurity from pg_class where oid = any("
            "array['inventory.spools'::regclass, 'inventory.filament_types'::regclass])"
        )
        assert {r["relname"]: r["relforcerowsecurity"] for r in forced} == {
            "spools": True,
            "filament_types": True,
        }
    finally:
        alembic(ALEMBIC_INI, inventory_db, batchivo_infra, "upgrade", "head")


async def test_concurrent_priced_creates_publish_the_cost_they_leave(api, admin_conn) -> None:
    """Each create decides whether its spool moved the type's cost per gram under the type's row lock, in
    the statement that inserts it (ADR 0029): however the creates interleave, the last cost published is the
    type's cost, at the type's version, and no two publications share a version."""
    tenant = api.tenant()
    kind = (await api.filament_type(tenant))["id"]
    prices = [10, 20, 10, 30, 20, 10, 25, 10] * 3
    await asyncio.gather(*(api.spool(tenant, kind, purchase_price=p) for p in prices))
    await assert_totals_match(admin_conn, tenant.id)
    rows = await admin_conn.fetch(
        "select envelope from inventory.outbox where tenant_id = $1"
        " and event_type = 'inventory.filament_type.updated.v1' and envelope->>'aggregate_id' = $2",
        tenant.id,
        kind,
    )
    published = [json.loads(r["envelope"]) for r in rows]
    versions = [e["aggregate_version"] for e in published]
    assert published and len(set(versions)) == len(versions)
    last = max(published, key=lambda e: e["aggregate_version"])
    shown = (await api.client.get(f"/api/v1/filament-types/{kind}", headers=tenant.headers())).json()
    assert float(shown["cost_per_gram"]) == pytest.approx(sum(prices) / (1000 * len(prices)), abs=1e-4)
    assert last["data"]["cost_per_gram"] == float(shown["cost_per_gram"])
    assert last["data"]["cost_is_estimate"] is False
    version = await admin_conn.fetchval(
        "select version from inventory.filament_types where id = $1", uuid.UUID(kind)
    )
    assert last["aggregate_version"] == version


async def test_a_spool_at_the_types_own_cost_publishes_nothing(api, admin_conn) -> None:
    tenant = api.tenant()
    kind = (await api.filament_type(tenant))["id"]
    count = "select count(*) from inventory.outbox where tenant_id = $1 and envelope->>'aggregate_id' = $2"
    await api.spool(tenant, kind, purchase_price=20)
    first = await admin_conn.fetchval(count, tenant.id, kind)
    await api.spool(tenant, kind, purchase_price=40, initial_weight=2000)  # 0.02 a gram, as the first
    assert await admin_conn.fetchval(count, tenant.id, kind) == first
    await api.spool(tenant, kind, purchase_price=21)
    assert await admin_conn.fetchval(count, tenant.id, kind) == first + 1
