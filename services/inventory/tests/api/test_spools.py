"""Spools over HTTP: codes, CRUD, actions, lists, the ledger, validation, roles and tenant isolation."""

from __future__ import annotations

import itertools
import uuid

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db


async def test_create_returns_the_spool_with_computed_fields(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant, color_hex="#FF0000")
    response = await client.post(
        "/api/v1/spools",
        json={
            "filament_type_id": ft["id"],
            "initial_weight": 1000,
            "current_weight": 150,
            "empty_spool_weight": 250,
            "purchase_price": 19.99,
            "purchase_date": "2026-11-01",
            "supplier": "Prusa",
            "location": "Shelf A",
            "lot_number": "L42",
            "notes": "n",
        },
        headers=tenant.headers(),
    )
    assert response.status_code == 201, response.text
    spool = response.json()
    assert response.headers["Location"] == f"/api/v1/spools/{spool['id']}"
    assert spool["code"] == "FIL-001"
    assert spool["filament_type"] == {
        "id": ft["id"],
        "material_code": "PLA",
        "brand": "Prusament",
        "color_name": ft["color_name"],
        "color_hex": "#FF0000",
    }
    assert spool["remaining_pct"] == 15.0
    assert spool["cost_per_gram"] == 0.02
    assert spool["is_low_stock"] is True
    assert spool["low_stock_threshold_pct"] == 20
    assert spool["is_archived"] is False
    ledger = await api.ledger(tenant, spool["id"])
    assert [(r["kind"], r["grams_before"], r["delta"], r["grams_after"]) for r in ledger] == [
        ("purchase", 0, 150, 150)
    ]
    assert ledger[0]["actor_id"] == str(tenant.user_id)


async def test_codes_are_per_tenant_numeric_and_never_reused(api, client, admin_conn) -> None:
    a, b = api.tenant(), api.tenant()
    ft = await api.filament_type(a)
    first = await api.spool(a, ft["id"])
    second = await api.spool(a, ft["id"])
    assert (first["code"], second["code"]) == ("FIL-001", "FIL-002")
    assert (await api.spool(b))["code"] == "FIL-001"
    assert (
        await client.delete(f"/api/v1/spools/{second['id']}", headers=a.headers(Role.admin))
    ).status_code == 204
    assert (await api.spool(a, ft["id"]))["code"] == "FIL-003"
    # a person-chosen code that looks generated is skipped by the sequence
    assert (await api.spool(a, ft["id"], code="FIL-004"))["code"] == "FIL-004"
    assert (await api.spool(a, ft["id"]))["code"] == "FIL-005"
    # the attempt that met the taken FIL-004 wrote nothing: one purchase row and one event per spool
    created = await admin_conn.fetch(
        "select envelope->'data'->>'code' as code from inventory.outbox"
        " where tenant_id = $1 and event_type = 'inventory.spool.created.v1'",
        a.id,
    )
    assert sorted(r["code"] for r in created) == ["FIL-001", "FIL-002", "FIL-003", "FIL-004", "FIL-005"]
    purchases = await admin_conn.fetchval(
        "select count(*) from inventory.inventory_transactions where tenant_id = $1 and kind = 'purchase'",
        a.id,
    )
    assert purchases == 4  # FIL-002 was deleted with its purchase row
    # past 999 the number grows; lists sort numerically
    await admin_conn.execute(
        "update inventory.spool_code_counters set next_value = 999 where tenant_id = $1", a.id
    )
    assert (await api.spool(a, ft["id"]))["code"] == "FIL-999"
    assert (await api.spool(a, ft["id"]))["code"] == "FIL-1000"
    listing = (await client.get("/api/v1/spools?sort=-code&limit=2", headers=a.headers())).json()
    assert [s["code"] for s in listing["items"]] == ["FIL-1000", "FIL-999"]


async def test_duplicate_chosen_code_is_a_conflict(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    await api.spool(tenant, ft["id"], code="RED-1")
    response = await client.post(
        "/api/v1/spools",
        json={"filament_type_id": ft["id"], "initial_weight": 1000, "code": "RED-1"},
        headers=tenant.headers(),
    )
    api.error(response, 409, "CONFLICT")
    second = await api.spool(tenant, ft["id"])
    api.error(
        await client.patch(
            f"/api/v1/spools/{second['id']}", json={"code": "RED-1"}, headers=tenant.headers()
        ),
        409,
    )


async def test_bulk_create_and_duplicate(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    response = await client.post(
        "/api/v1/spools/bulk",
        json={
            "filament_type_id": ft["id"],
            "quantity": 3,
            "initial_weight": 750,
            "purchase_price": 15,
            "location": "B",
        },
        headers=tenant.headers(),
    )
    assert response.status_code == 201, response.text
    items = response.json()["items"]
    assert [s["code"] for s in items] == ["FIL-001", "FIL-002", "FIL-003"]
    assert all(s["current_weight"] == 750 and s["location"] == "B" for s in items)
    for bad in (0, 101):
        api.error(
            await client.post(
                "/api/v1/spools/bulk",
                json={"filament_type_id": ft["id"], "quantity": bad, "initial_weight": 750},
                headers=tenant.headers(),
            ),
            422,
        )
    await client.post(f"/api/v1/spools/{items[0]['id']}/use", json={"grams": 100}, headers=tenant.headers())
    dup = await client.post(f"/api/v1/spools/{items[0]['id']}/duplicate", headers=tenant.headers())
    assert dup.status_code == 201, dup.text
    copy = dup.json()
    assert copy["code"] == "FIL-004" and copy["current_weight"] == 750 and copy["purchase_price"] == 15
    assert dup.headers["Location"] == f"/api/v1/spools/{copy['id']}"
    assert (await client.get("/api/v1/spools", headers=tenant.headers())).json()["total"] == 4


async def test_weigh_use_and_adjust_book_the_ledger(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, empty_spool_weight=200)
    sid = spool["id"]
    weighed = await client.post(
        f"/api/v1/spools/{sid}/weigh", json={"gross_grams": 1100}, headers=tenant.headers()
    )
    assert weighed.status_code == 200, weighed.text
    assert weighed.json()["current_weight"] == 900
    used = await client.post(
        f"/api/v1/spools/{sid}/use", json={"grams": 50.5, "reason": "test print"}, headers=tenant.headers()
    )
    assert used.json()["current_weight"] == 849.5
    net = await client.post(f"/api/v1/spools/{sid}/weigh", json={"net_grams": 800}, headers=tenant.headers())
    assert net.json()["current_weight"] == 800
    patched = await client.patch(
        f"/api/v1/spools/{sid}", json={"current_weight": 810, "location": "C"}, headers=tenant.headers()
    )
    assert patched.json()["current_weight"] == 810 and patched.json()["location"] == "C"
    # a weigh that changes nothing books nothing
    await client.post(f"/api/v1/spools/{sid}/weigh", json={"net_grams": 810}, headers=tenant.headers())
    ledger = await api.ledger(tenant, sid)
    assert [(r["kind"], r["delta"]) for r in ledger] == [
        ("purchase", 1000),
        ("adjustment", -100),
        ("usage", -50.5),
        ("adjustment", -49.5),
        ("adjustment", 10),
    ]
    assert ledger[2]["reason"] == "test print"
    for prev, row in itertools.pairwise(ledger):
        assert row["grams_before"] == prev["grams_after"]
    assert sum(r["delta"] for r in ledger) == 810


async def test_weigh_below_tare_is_400_and_changes_nothing(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, empty_spool_weight=250)
    response = await client.post(
        f"/api/v1/spools/{spool['id']}/weigh", json={"gross_grams": 249}, headers=tenant.headers()
    )
    api.error(response, 400, "WEIGHT_BELOW_TARE")
    assert len(await api.ledger(tenant, spool["id"])) == 1
    api.error(
        await client.post(
            f"/api/v1/spools/{spool['id']}/weigh",
            json={"gross_grams": 1, "net_grams": 1},
            headers=tenant.headers(),
        ),
        422,
    )
    api.error(
        await client.post(f"/api/v1/spools/{spool['id']}/weigh", json={}, headers=tenant.headers()), 422
    )


async def test_using_more_than_the_spool_holds_is_409(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=100)
    response = await client.post(
        f"/api/v1/spools/{spool['id']}/use", json={"grams": 100.01}, headers=tenant.headers()
    )
    api.error(response, 409, "INSUFFICIENT_STOCK")
    got = (await client.get(f"/api/v1/spools/{spool['id']}", headers=tenant.headers())).json()
    assert got["current_weight"] == 100


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("use", {"grams": -5}),
        ("use", {"grams": 0}),
        ("use", {"grams": 1e9}),
        ("use", {"grams": "lots"}),
        ("use", {"grams": 1.001}),
        ("use", {"grams": 5, "reason": "r" * 201}),
        ("weigh", {"gross_grams": -1}),
        ("weigh", {"net_grams": 100001}),
    ],
)
async def test_invalid_actions_are_422_and_change_nothing(api, client, path, body) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    api.error(
        await client.post(f"/api/v1/spools/{spool['id']}/{path}", json=body, headers=tenant.headers()),
        422,
        "VALIDATION_ERROR",
    )
    assert len(await api.ledger(tenant, spool["id"])) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"initial_weight": 0},
        {"initial_weight": -10},
        {"initial_weight": 10**9},
        {"initial_weight": 1000, "current_weight": -1},
        {"initial_weight": 1000, "purchase_price": -1},
        {"initial_weight": 1000, "low_stock_threshold_pct": 101},
        {"initial_weight": 1000, "location": "x" * 101},
        {"initial_weight": 1000, "notes": "x" * 2001},
        {"initial_weight": 1000, "code": "has space"},
        {"initial_weight": 1000, "purchase_date": "yesterday"},
        {"initial_weight": 1000, "filament_type_id": "not-a-uuid"},
    ],
)
async def test_invalid_spools_are_422_and_nothing_is_created(api, client, body) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    response = await client.post(
        "/api/v1/spools", json={"filament_type_id": ft["id"], **body}, headers=tenant.headers()
    )
    api.error(response, 422, "VALIDATION_ERROR")
    assert (await client.get("/api/v1/spools", headers=tenant.headers())).json()["total"] == 0


async def test_patch_refuses_null_for_required_fields(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    api.error(
        await client.patch(
            f"/api/v1/spools/{spool['id']}", json={"initial_weight": None}, headers=tenant.headers()
        ),
        422,
    )
    unchanged = await client.patch(f"/api/v1/spools/{spool['id']}", json={}, headers=tenant.headers())
    assert unchanged.status_code == 200 and unchanged.json()["initial_weight"] == 1000


async def test_archive_hides_the_spool_and_delete_rules(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    fresh = await api.spool(tenant, ft["id"])
    used = await api.spool(tenant, ft["id"])
    await client.post(f"/api/v1/spools/{used['id']}/use", json={"grams": 1}, headers=tenant.headers())
    api.error(
        await client.delete(f"/api/v1/spools/{used['id']}", headers=tenant.headers(Role.admin)), 409, "IN_USE"
    )
    archived = await client.post(f"/api/v1/spools/{used['id']}/archive", headers=tenant.headers())
    assert archived.status_code == 200 and archived.json()["is_archived"] is True
    active = (await client.get("/api/v1/spools", headers=tenant.headers())).json()
    assert [s["code"] for s in active["items"]] == [fresh["code"]]
    gone = (await client.get("/api/v1/spools?archived=only", headers=tenant.headers())).json()
    assert [s["code"] for s in gone["items"]] == [used["code"]]
    assert (
        await client.delete(f"/api/v1/spools/{fresh['id']}", headers=tenant.headers(Role.admin))
    ).status_code == 204
    api.error(await client.get(f"/api/v1/spools/{fresh['id']}", headers=tenant.headers()), 404)


async def test_list_filters_search_sort_and_paging(api, client) -> None:
    tenant = api.tenant()
    petg = await api.material_id(tenant, "PETG")
    red = await api.filament_type(tenant, brand="Polymaker", color_name="Lava Red")
    blue = await api.filament_type(tenant, material_type_id=petg, brand="Sunlu", color_name="Ocean Blue")
    s1 = await api.spool(tenant, red["id"], location="Shelf A", lot_number="LOT77")
    s2 = await api.spool(tenant, red["id"], location="Shelf B", current_weight=100)
    s3 = await api.spool(tenant, blue["id"], location="Shelf A", initial_weight=500, current_weight=250)
    h = tenant.headers(Role.viewer)

    async def codes(query: str) -> list[str]:
        response = await client.get(f"/api/v1/spools?{query}", headers=h)
        assert response.status_code == 200, response.text
        return [s["code"] for s in response.json()["items"]]

    assert await codes("") == [s1["code"], s2["code"], s3["code"]]
    assert await codes("material=petg") == [s3["code"]]
    assert await codes(f"filament_type_id={red['id']}") == [s1["code"], s2["code"]]
    assert await codes("location=Shelf%20A") == [s1["code"], s3["code"]]
    assert await codes("low_stock=true") == [s2["code"]]
    assert await codes("low_stock=false") == [s1["code"], s3["code"]]
    assert await codes("q=ocean") == [s3["code"]]
    assert await codes("q=polymaker") == [s1["code"], s2["code"]]
    assert await codes("q=LOT77") == [s1["code"]]
    assert await codes("q=PETG") == [s3["code"]]
    assert await codes(f"q={s2['code']}") == [s2["code"]]
    assert await codes("sort=-current_weight") == [s1["code"], s3["code"], s2["code"]]
    assert await codes("sort=remaining_pct") == [s2["code"], s3["code"], s1["code"]]
    page = (await client.get("/api/v1/spools?limit=1&offset=1", headers=h)).json()
    assert page["total"] == 3 and page["limit"] == 1 and page["offset"] == 1 and len(page["items"]) == 1
    api.error(await client.get("/api/v1/spools?sort=password", headers=h), 422, "VALIDATION_ERROR")
    api.error(await client.get("/api/v1/spools?limit=0", headers=h), 422)
    api.error(await client.get("/api/v1/spools?limit=201", headers=h), 422)
    api.error(await client.get("/api/v1/spools?offset=-1", headers=h), 422)


async def test_inventory_transactions_filters(api, client) -> None:
    tenant = api.tenant()
    a = await api.spool(tenant)
    b = await api.spool(tenant)
    await client.post(f"/api/v1/spools/{a['id']}/use", json={"grams": 10}, headers=tenant.headers())
    await client.post(f"/api/v1/spools/{b['id']}/weigh", json={"net_grams": 900}, headers=tenant.headers())
    h = tenant.headers(Role.viewer)
    everything = (await client.get("/api/v1/inventory/transactions", headers=h)).json()
    assert everything["total"] == 4
    assert everything["items"][0]["kind"] == "adjustment"  # newest first
    assert {(t["spool_id"], t["spool_code"]) for t in everything["items"]} == {
        (a["id"], a["code"]),
        (b["id"], b["code"]),
    }
    usage = (await client.get("/api/v1/inventory/transactions?kind=usage", headers=h)).json()
    assert [t["spool_id"] for t in usage["items"]] == [a["id"]]
    of_b = (await client.get(f"/api/v1/inventory/transactions?spool_id={b['id']}", headers=h)).json()
    assert of_b["total"] == 2
    future = (await client.get("/api/v1/inventory/transactions?from=2999-01-01T00:00:00Z", headers=h)).json()
    assert future["total"] == 0
    past = (await client.get("/api/v1/inventory/transactions?to=2000-01-01T00:00:00Z", headers=h)).json()
    assert past["total"] == 0
    none = (
        await client.get(f"/api/v1/inventory/transactions?production_run_id={uuid.uuid4()}", headers=h)
    ).json()
    assert none["total"] == 0
    api.error(await client.get("/api/v1/inventory/transactions?kind=theft", headers=h), 422)


async def test_viewers_cannot_change_spools(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    spool = await api.spool(tenant, ft["id"])
    viewer = tenant.headers(Role.viewer)
    sid = spool["id"]
    calls = [
        client.post(
            "/api/v1/spools", json={"filament_type_id": ft["id"], "initial_weight": 1}, headers=viewer
        ),
        client.post(
            "/api/v1/spools/bulk",
            json={"filament_type_id": ft["id"], "quantity": 1, "initial_weight": 1},
            headers=viewer,
        ),
        client.patch(f"/api/v1/spools/{sid}", json={"location": "x"}, headers=viewer),
        client.delete(f"/api/v1/spools/{sid}", headers=viewer),
        client.post(f"/api/v1/spools/{sid}/use", json={"grams": 1}, headers=viewer),
        client.post(f"/api/v1/spools/{sid}/weigh", json={"net_grams": 1}, headers=viewer),
        client.post(f"/api/v1/spools/{sid}/archive", headers=viewer),
        client.post(f"/api/v1/spools/{sid}/duplicate", headers=viewer),
    ]
    for call in calls:
        api.error(await call, 403, "FORBIDDEN")
    assert (await client.get(f"/api/v1/spools/{sid}", headers=viewer)).json()["current_weight"] == 1000
    assert len(await api.ledger(tenant, sid)) == 1


async def test_other_tenants_spools_are_404(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    spool = await api.spool(a)
    sid = spool["id"]
    h = b.headers(Role.owner)
    calls = [
        client.get(f"/api/v1/spools/{sid}", headers=h),
        client.patch(f"/api/v1/spools/{sid}", json={"location": "x"}, headers=h),
        client.delete(f"/api/v1/spools/{sid}", headers=h),
        client.post(f"/api/v1/spools/{sid}/use", json={"grams": 1}, headers=h),
        client.post(f"/api/v1/spools/{sid}/weigh", json={"net_grams": 1}, headers=h),
        client.post(f"/api/v1/spools/{sid}/archive", headers=h),
        client.post(f"/api/v1/spools/{sid}/duplicate", headers=h),
        client.get(f"/api/v1/spools/{sid}/transactions", headers=h),
        client.post(
            "/api/v1/spools",
            json={"filament_type_id": spool["filament_type_id"], "initial_weight": 1},
            headers=h,
        ),
    ]
    for call in calls:
        api.error(await call, 404, "NOT_FOUND")
    assert (await client.get("/api/v1/inventory/transactions", headers=h)).json()["total"] == 0
    assert len(await api.ledger(a, sid)) == 1


async def test_moving_a_spool_to_another_filament_type(api, client) -> None:
    tenant = api.tenant()
    first = await api.filament_type(tenant)
    second = await api.filament_type(tenant)
    spool = await api.spool(tenant, first["id"], purchase_price=40)
    response = await client.patch(
        f"/api/v1/spools/{spool['id']}", json={"filament_type_id": second["id"]}, headers=tenant.headers()
    )
    assert response.status_code == 200, response.text
    assert response.json()["filament_type"]["id"] == second["id"]
    moved = (await client.get(f"/api/v1/filament-types/{second['id']}", headers=tenant.headers())).json()
    assert moved["cost_per_gram"] == 0.04 and moved["cost_is_estimate"] is False
    left = (await client.get(f"/api/v1/filament-types/{first['id']}", headers=tenant.headers())).json()
    assert left["cost_is_estimate"] is True
    other = api.tenant()
    foreign = await api.filament_type(other)
    api.error(
        await client.patch(
            f"/api/v1/spools/{spool['id']}",
            json={"filament_type_id": foreign["id"]},
            headers=tenant.headers(),
        ),
        404,
    )
