"""Low stock (report + one event per crossing), the summary, and the state events in the outbox."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db


async def _events(conn, tenant_id, event_type: str) -> list[dict]:
    rows = await conn.fetch(
        "select envelope from inventory.outbox where tenant_id = $1 and event_type = $2 order by id",
        tenant_id,
        event_type,
    )
    import json

    return [json.loads(r["envelope"]) for r in rows]


async def test_spool_low_stock_is_published_once_per_crossing(api, client, admin_conn) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=1000)
    use = f"/api/v1/spools/{spool['id']}/use"
    await client.post(use, json={"grams": 700}, headers=tenant.headers())  # 300 g: 30 %
    assert await _events(admin_conn, tenant.id, "inventory.stock.low.v1") == []
    await client.post(use, json={"grams": 150}, headers=tenant.headers())  # 150 g: crossed
    await client.post(use, json={"grams": 50}, headers=tenant.headers())  # still low: no new event
    low = await _events(admin_conn, tenant.id, "inventory.stock.low.v1")
    assert len(low) == 1
    assert low[0]["data"] == {
        "scope": "spool",
        "filament_type_id": spool["filament_type_id"],
        "spool_id": spool["id"],
        "code": spool["code"],
        "remaining_grams": 150.0,
        "threshold_grams": 200.0,
    }
    # recovers (re-weighed), then crosses again: a second event
    await client.post(
        f"/api/v1/spools/{spool['id']}/weigh", json={"net_grams": 500}, headers=tenant.headers()
    )
    await client.post(use, json={"grams": 400}, headers=tenant.headers())
    assert len(await _events(admin_conn, tenant.id, "inventory.stock.low.v1")) == 2


async def test_filament_type_low_stock_and_report(api, client, admin_conn) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant, min_stock_grams=1500)
    first = await api.spool(tenant, ft["id"], initial_weight=1000)  # 1000 < 1500: crossed
    second = await api.spool(tenant, ft["id"], initial_weight=1000)  # 2000: recovered
    await client.post(
        f"/api/v1/spools/{first['id']}/use", json={"grams": 400}, headers=tenant.headers()
    )  # 1600
    assert len(await _events(admin_conn, tenant.id, "inventory.stock.low.v1")) == 1
    await client.post(
        f"/api/v1/spools/{second['id']}/archive", headers=tenant.headers()
    )  # 600 active: crossed
    low = await _events(admin_conn, tenant.id, "inventory.stock.low.v1")
    assert [e["data"]["scope"] for e in low] == ["filament_type", "filament_type"]
    assert low[1]["data"]["remaining_grams"] == 600 and low[1]["data"]["threshold_grams"] == 1500
    report = (await client.get("/api/v1/inventory/low-stock", headers=tenant.headers(Role.viewer))).json()
    assert report["spools"] == []
    assert [(t["id"], t["remaining_grams"], t["min_stock_grams"]) for t in report["filament_types"]] == [
        (ft["id"], 600, 1500)
    ]
    await client.post(f"/api/v1/spools/{first['id']}/use", json={"grams": 500}, headers=tenant.headers())
    report = (await client.get("/api/v1/inventory/low-stock", headers=tenant.headers())).json()
    assert [s["id"] for s in report["spools"]] == [first["id"]]
    kinds = [e["data"]["scope"] for e in await _events(admin_conn, tenant.id, "inventory.stock.low.v1")]
    assert kinds == ["filament_type", "filament_type", "spool"]


async def test_raising_the_reorder_level_can_cross(api, client, admin_conn) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    await api.spool(tenant, ft["id"], initial_weight=1000)
    assert await _events(admin_conn, tenant.id, "inventory.stock.low.v1") == []
    response = await client.patch(
        f"/api/v1/filament-types/{ft['id']}", json={"min_stock_grams": 5000}, headers=tenant.headers()
    )
    assert response.status_code == 200
    low = await _events(admin_conn, tenant.id, "inventory.stock.low.v1")
    assert [(e["data"]["scope"], e["data"]["threshold_grams"]) for e in low] == [("filament_type", 5000)]


async def test_summary_per_filament_type(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant, color_hex="#1A2B3C")
    empty = await api.filament_type(tenant)
    await api.spool(tenant, ft["id"], initial_weight=1000, purchase_price=20)
    half = await api.spool(tenant, ft["id"], initial_weight=1000, purchase_price=30)
    await api.spool(tenant, ft["id"], initial_weight=500)  # unpriced: grams count, value does not
    await client.post(f"/api/v1/spools/{half['id']}/use", json={"grams": 500}, headers=tenant.headers())
    archived = await api.spool(tenant, ft["id"], initial_weight=1000, purchase_price=99)
    await client.post(f"/api/v1/spools/{archived['id']}/archive", headers=tenant.headers())
    body = (await client.get("/api/v1/inventory/summary", headers=tenant.headers(Role.viewer))).json()
    by_id = {i["filament_type_id"]: i for i in body["items"]}
    assert by_id[ft["id"]]["spool_count"] == 3
    assert by_id[ft["id"]]["remaining_grams"] == 2000
    assert by_id[ft["id"]]["stock_value"] == 35  # 20 + 15
    assert by_id[empty["id"]]["spool_count"] == 0 and by_id[empty["id"]]["stock_value"] == 0
    assert by_id[ft["id"]]["color_hex"] == "#1A2B3C" and by_id[empty["id"]]["color_hex"] is None
    assert body["total_remaining_grams"] == 2000 and body["total_stock_value"] == 35


async def test_state_events_carry_full_state_and_versions(api, client, admin_conn) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    spool = await api.spool(tenant, ft["id"], purchase_price=25)
    await client.post(f"/api/v1/spools/{spool['id']}/use", json={"grams": 100}, headers=tenant.headers())
    await client.post(f"/api/v1/spools/{spool['id']}/archive", headers=tenant.headers())
    created = await _events(admin_conn, tenant.id, "inventory.spool.created.v1")
    updated = await _events(admin_conn, tenant.id, "inventory.spool.updated.v1")
    archived = await _events(admin_conn, tenant.id, "inventory.spool.archived.v1")
    assert len(created) == len(updated) == len(archived) == 1
    assert created[0]["aggregate_id"] == spool["id"]
    assert created[0]["data"]["code"] == "FIL-001" and created[0]["data"]["cost_per_gram"] == 0.025
    assert updated[0]["data"]["current_weight"] == 900
    assert archived[0]["data"]["is_archived"] is True
    versions = [
        created[0]["aggregate_version"],
        updated[0]["aggregate_version"],
        archived[0]["aggregate_version"],
    ]
    assert versions == sorted(versions) and len(set(versions)) == 3
    types = await _events(admin_conn, tenant.id, "inventory.filament_type.created.v1")
    assert types[0]["data"]["cost_is_estimate"] is True and types[0]["data"]["material_code"] == "PLA"
    type_updates = await _events(admin_conn, tenant.id, "inventory.filament_type.updated.v1")
    assert (
        type_updates[-1]["data"]["cost_per_gram"] == 0.025
        and type_updates[-1]["data"]["cost_is_estimate"] is False
    )
    assert type_updates[-1]["aggregate_version"] > types[0]["aggregate_version"]
    empty = await api.filament_type(tenant)
    await client.delete(f"/api/v1/filament-types/{empty['id']}", headers=tenant.headers(Role.admin))
    deleted = await _events(admin_conn, tenant.id, "inventory.filament_type.deleted.v1")
    assert deleted[0]["aggregate_id"] == empty["id"] and deleted[0]["aggregate_version"] == 2


async def test_deleting_a_fresh_spool_publishes_deleted(api, client, admin_conn) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    assert (
        await client.delete(f"/api/v1/spools/{spool['id']}", headers=tenant.headers(Role.admin))
    ).status_code == 204
    deleted = await _events(admin_conn, tenant.id, "inventory.spool.deleted.v1")
    assert [e["aggregate_id"] for e in deleted] == [spool["id"]]
    assert (
        await admin_conn.fetchval(
            "select count(*) from inventory.inventory_transactions where spool_id = $1", spool["id"]
        )
        == 0
    )


async def test_reports_are_per_tenant(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    ft = await api.filament_type(a, min_stock_grams=5000)
    await api.spool(a, ft["id"], current_weight=10)
    low_a = (await client.get("/api/v1/inventory/low-stock", headers=a.headers())).json()
    assert len(low_a["spools"]) == 1 and len(low_a["filament_types"]) == 1
    low_b = (await client.get("/api/v1/inventory/low-stock", headers=b.headers())).json()
    assert low_b == {"spools": [], "filament_types": []}
    summary_b = (await client.get("/api/v1/inventory/summary", headers=b.headers())).json()
    assert summary_b == {"items": [], "total_remaining_grams": 0, "total_stock_value": 0}


async def test_every_change_that_moves_a_types_cost_republishes_it_with_the_new_cost(
    api, client, admin_conn
) -> None:
    """The catalog's material costs follow these events: price/weight edits, spools created or deleted,
    and the typical cost of a tenant material (the estimate of a type without priced spools)."""
    tenant = api.tenant()
    material = await client.post(
        "/api/v1/material-types",
        json={"code": "MINE", "name": "Mine", "typical_cost_per_kg": 30},
        headers=tenant.headers(),
    )
    ft = await api.filament_type(tenant, material_type_id=material.json()["id"])

    async def last() -> tuple[float | None, bool, int]:
        events = await _events(admin_conn, tenant.id, "inventory.filament_type.updated.v1")
        data = events[-1]["data"] if events else {"cost_per_gram": None, "cost_is_estimate": None}
        return data["cost_per_gram"], data["cost_is_estimate"], len(events)

    await client.patch(
        f"/api/v1/material-types/{material.json()['id']}",
        json={"typical_cost_per_kg": 40},
        headers=tenant.headers(),
    )
    assert (await last())[:2] == (0.04, True)
    spool = await api.spool(tenant, ft["id"], purchase_price=20)
    assert (await last())[:2] == (0.02, False)
    await client.patch(f"/api/v1/spools/{spool['id']}", json={"purchase_price": 30}, headers=tenant.headers())
    assert (await last())[:2] == (0.03, False)
    await client.patch(
        f"/api/v1/spools/{spool['id']}", json={"initial_weight": 500}, headers=tenant.headers()
    )
    assert (await last())[:2] == (0.06, False)
    _, _, count = await last()
    await client.patch(f"/api/v1/spools/{spool['id']}", json={"location": "shelf"}, headers=tenant.headers())
    assert (await last())[2] == count  # not a cost field: no republish
    # A spool at the type's own cost per gram (30 per 500 g) leaves it where it was: no bump, no event
    # (ADR 0023); one at another price moves it, and so does a bulk of them, once.
    version_sql = "select version from inventory.filament_types where id = $1"
    version = await admin_conn.fetchval(version_sql, uuid.UUID(ft["id"]))
    extras = [(await api.spool(tenant, ft["id"], purchase_price=60, initial_weight=1000))["id"]]
    assert (await last())[2] == count
    assert await admin_conn.fetchval(version_sql, uuid.UUID(ft["id"])) == version
    body = (await client.get(f"/api/v1/filament-types/{ft['id']}", headers=tenant.headers())).json()
    assert body["cost_per_gram"] == 0.06
    extras.append((await api.spool(tenant, ft["id"], purchase_price=15, initial_weight=500))["id"])
    assert (await last()) == (0.0525, False, count + 1)  # 105 / 2,000 g
    bulk = await client.post(
        "/api/v1/spools/bulk",
        json={"filament_type_id": ft["id"], "initial_weight": 1000, "purchase_price": 20, "quantity": 3},
        headers=tenant.headers(),
    )
    assert bulk.status_code == 201, bulk.text
    assert (await last()) == (0.033, False, count + 2)  # 165 / 5,000 g: one event for the three
    extras += [item["id"] for item in bulk.json()["items"]]
    for extra in extras:
        deleted = await client.delete(f"/api/v1/spools/{extra}", headers=tenant.headers(Role.admin))
        assert deleted.status_code == 204
    assert (
        await client.delete(f"/api/v1/spools/{spool['id']}", headers=tenant.headers(Role.admin))
    ).status_code == 204
    assert (await last())[:2] == (0.04, True)
