"""Products over HTTP: bundles and their cost, cycles and depth refused, channels and prices, assembly from
model stock, roles and tenancy."""

from __future__ import annotations

import json
import uuid

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db


async def _priced_model(api, t, grams: float = 100, cost: float = 0.02, **fields):
    fid = await api.filament(t, cost)
    return await api.model(t, materials=[{"filament_type_id": str(fid), "grams": grams}], **fields)


async def test_bundle_of_bundles_costs_and_suggested_price(api, client) -> None:
    t = api.tenant()
    m = await _priced_model(api, t)  # 2.000
    inner = await api.product(t, models=[{"model_id": m["id"], "quantity": 2}], packaging_cost=0.5)
    middle = await api.product(t, children=[{"product_id": inner["id"], "quantity": 2}], assembly_minutes=6)
    outer = await api.product(
        t,
        models=[{"model_id": m["id"], "quantity": 1}],
        children=[{"product_id": middle["id"], "quantity": 3}, {"product_id": inner["id"], "quantity": 1}],
    )
    assert inner["make_cost"] == 4.5 and middle["make_cost"] == 10.0
    assert outer["make_cost"] == 36.5 and outer["suggested_price"] == 91.25
    assert outer["cost"] == {
        "models": 2.0,
        "children": 34.5,
        "packaging": 0.0,
        "assembly": 0.0,
        "make_cost": 36.5,
    }
    assert {c["sku"]: c["make_cost"] for c in outer["children"]} == {middle["sku"]: 10.0, inner["sku"]: 4.5}
    assert outer["models"][0]["unit_cost"] == 2.0 and outer["models"][0]["sku"] == m["sku"]
    # a model's cost change flows into every bundle above it
    r = await client.patch(f"/api/v1/models/{m['id']}", json={"labor_minutes": 6}, headers=t.headers())
    assert r.json()["cost"]["total"] == 3.0
    r = await client.get(f"/api/v1/products/{outer['id']}", headers=t.headers())
    assert r.json()["make_cost"] == 3 + 3 * (2 * (2 * 3 + 0.5) + 1) + (2 * 3 + 0.5)


async def test_a_cycle_is_refused_with_a_message_naming_the_loop(api, client) -> None:
    t = api.tenant()
    a = await api.product(t, sku="A-1")
    b = await api.product(t, sku="B-1", children=[{"product_id": a["id"], "quantity": 1}])
    c = await api.product(t, sku="C-1", children=[{"product_id": b["id"], "quantity": 1}])
    r = await client.patch(
        f"/api/v1/products/{a['id']}",
        json={"children": [{"product_id": c["id"]}], "name": "changed"},
        headers=t.headers(),
    )
    body = api.error(r, 409, "CONFLICT")
    assert "A-1 → C-1 → B-1 → A-1" in body["detail"]
    r = await client.patch(
        f"/api/v1/products/{a['id']}", json={"children": [{"product_id": a["id"]}]}, headers=t.headers()
    )
    assert "A-1 → A-1" in api.error(r, 409)["detail"]
    got = (await client.get(f"/api/v1/products/{a['id']}", headers=t.headers())).json()
    assert got["children"] == [] and got["name"] == "Box" and got["version"] == 1


async def test_depth_over_20_is_refused(api, client) -> None:
    t = api.tenant()
    previous = await api.product(t, sku="P-0")
    for i in range(1, 21):  # P-20 ⊃ ... ⊃ P-0: 20 levels, allowed
        previous = await api.product(t, sku=f"P-{i}", children=[{"product_id": previous["id"]}])
    r = await client.post(
        "/api/v1/products",
        json={"sku": "P-21", "name": "too deep", "children": [{"product_id": previous["id"]}]},
        headers=t.headers(),
    )
    assert "20 levels" in api.error(r, 409, "CONFLICT")["detail"]


async def test_unknown_parts_are_422_and_other_tenants_ids_are_unknown(api, client) -> None:
    t, other = api.tenant(), api.tenant()
    theirs = await api.model(other)
    their_product = await api.product(other)
    for body, field in (
        ({"models": [{"model_id": theirs["id"]}]}, "models[0].model_id"),
        ({"children": [{"product_id": their_product["id"]}]}, "children[0].product_id"),
        ({"models": [{"model_id": str(uuid.uuid4())}]}, "models[0].model_id"),
    ):
        r = await client.post(
            "/api/v1/products", json={"sku": "X-1", "name": "x", **body}, headers=t.headers()
        )
        assert field in api.error(r, 422, "VALIDATION_ERROR")["detail"]
    assert (await client.get("/api/v1/products", headers=t.headers())).json()["total"] == 0
    api.error(await client.get(f"/api/v1/products/{their_product['id']}", headers=t.headers()), 404)


async def test_channels_prices_fees_profit_and_margin(api, client) -> None:
    t = api.tenant()
    m = await _priced_model(api, t, grams=500)  # 10.000
    product = await api.product(t, models=[{"model_id": m["id"]}])
    body = {"name": "Etsy", "platform": "etsy", "fee_pct": 10, "fixed_fee": 0.3, "monthly_cost": 15}
    api.error(await client.post("/api/v1/sales-channels", json=body, headers=t.headers(Role.member)), 403)
    r = await client.post("/api/v1/sales-channels", json=body, headers=t.headers(Role.admin))
    assert r.status_code == 201 and r.headers["Location"].endswith(r.json()["id"])
    channel = r.json()
    api.error(await client.post("/api/v1/sales-channels", json=body, headers=t.headers(Role.admin)), 409)
    r = await client.put(
        f"/api/v1/products/{product['id']}/prices/{channel['id']}", json={"price": 20}, headers=t.headers()
    )
    assert r.status_code == 200, r.text
    assert r.json()["channels"] == [
        {
            "sales_channel_id": channel["id"],
            "name": "Etsy",
            "platform": "etsy",
            "price": 20.0,
            "fee": 2.3,
            "profit": 7.7,
            "margin_pct": 38.5,
        }
    ]
    r = await client.put(
        f"/api/v1/products/{product['id']}/prices/{channel['id']}", json={"price": 25}, headers=t.headers()
    )
    assert [c["price"] for c in r.json()["channels"]] == [25.0]
    other = api.tenant()
    r = await client.put(
        f"/api/v1/products/{product['id']}/prices/{channel['id']}", json={"price": 1}, headers=other.headers()
    )
    api.error(r, 404)
    api.error(await client.delete(f"/api/v1/sales-channels/{channel['id']}", headers=t.headers()), 403)
    assert (
        await client.delete(f"/api/v1/sales-channels/{channel['id']}", headers=t.headers(Role.admin))
    ).status_code == 204
    assert (await client.get(f"/api/v1/products/{product['id']}", headers=t.headers())).json()[
        "channels"
    ] == []


async def test_assemble_moves_model_units_and_refuses_beyond_stock(api, client, admin_conn) -> None:
    t = api.tenant()
    a, b = await api.model(t, sku="MOD-A"), await api.model(t, sku="MOD-B")
    product = await api.product(
        t, models=[{"model_id": a["id"], "quantity": 1}, {"model_id": b["id"], "quantity": 3}]
    )
    for model, units in ((a, 5), (b, 7)):
        r = await client.post(
            f"/api/v1/models/{model['id']}/stock-adjustments",
            json={"delta": units, "reason": "count"},
            headers=t.headers(),
        )
        assert r.json()["units_in_stock"] == units
    url = f"/api/v1/products/{product['id']}/assemble"
    r = await client.post(url, json={"quantity": 2}, headers=t.headers())
    assert r.status_code == 200 and r.json()["units_in_stock"] == 2
    before = await admin_conn.fetchval(
        "select count(*) from catalog.stock_movements where tenant_id = $1", t.id
    )
    r = await client.post(url, json={"quantity": 1}, headers=t.headers())  # B has 1, needs 3
    body = api.error(r, 409, "INSUFFICIENT_STOCK")
    assert "MOD-B (needs 3, has 1)" in body["detail"] and "MOD-A" not in body["detail"]
    units = {
        m["sku"]: m["units_in_stock"]
        for m in (await client.get("/api/v1/models", headers=t.headers())).json()["items"]
    }
    assert units == {"MOD-A": 3, "MOD-B": 1}
    assert (await client.get(f"/api/v1/products/{product['id']}", headers=t.headers())).json()[
        "units_in_stock"
    ] == 2
    assert (
        await admin_conn.fetchval("select count(*) from catalog.stock_movements where tenant_id = $1", t.id)
        == before
    )
    ledger = (
        await client.get(f"/api/v1/products/{product['id']}/stock-movements", headers=t.headers())
    ).json()
    assert [(m["kind"], m["delta"], m["units_after"]) for m in ledger["items"]] == [("assemble", 2, 2)]
    api.error(await client.post(url, json={"quantity": 1}, headers=t.headers(Role.viewer)), 403)
    r = await client.post(
        f"/api/v1/models/{a['id']}/stock-adjustments",
        json={"delta": -4, "reason": "broken"},
        headers=t.headers(),
    )
    api.error(r, 409, "INSUFFICIENT_STOCK")


async def test_deleting_products_is_for_admins_and_not_while_in_a_bundle(api, client) -> None:
    t = api.tenant()
    inner = await api.product(t, sku="IN-1")
    outer = await api.product(t, sku="OUT-1", children=[{"product_id": inner["id"]}])
    api.error(await client.delete(f"/api/v1/products/{outer['id']}", headers=t.headers(Role.member)), 403)
    r = await client.delete(f"/api/v1/products/{inner['id']}", headers=t.headers(Role.admin))
    assert "OUT-1" in api.error(r, 409, "IN_USE")["detail"]
    assert (
        await client.delete(f"/api/v1/products/{outer['id']}", headers=t.headers(Role.admin))
    ).status_code == 204
    assert (
        await client.delete(f"/api/v1/products/{inner['id']}", headers=t.headers(Role.admin))
    ).status_code == 204
    api.error(await client.get(f"/api/v1/products/{inner['id']}", headers=t.headers()), 404)


async def test_actual_make_cost_and_variance_when_every_model_has_one(api, client, admin_conn) -> None:
    t = api.tenant()
    a, b = await _priced_model(api, t), await _priced_model(api, t)  # 2.000 each
    product = await api.product(t, models=[{"model_id": a["id"], "quantity": 2}, {"model_id": b["id"]}])
    assert product["actual_make_cost"] is None and product["variance_pct"] is None
    for model, cost in ((a, "2.5"), (b, "1.5")):
        await admin_conn.execute(
            "insert into catalog.run_contributions (id, tenant_id, run_id, model_id, successful_units,"
            " actual_unit_cost) values ($1, $2, $3, $4, 1, $5::numeric)",
            uuid.uuid4(),
            t.id,
            uuid.uuid4(),
            uuid.UUID(model["id"]),
            cost,
        )
    got = (await client.get(f"/api/v1/products/{product['id']}", headers=t.headers())).json()
    assert got["make_cost"] == 6.0 and got["actual_make_cost"] == 6.5 and got["variance_pct"] == 8.33


async def test_product_changes_publish_their_state_with_increasing_versions(api, client, admin_conn) -> None:
    t = api.tenant()
    m = await api.model(t, sku="MOD-1")
    product = await api.product(t, sku="PROD-1", models=[{"model_id": m["id"], "quantity": 2}])
    await client.patch(f"/api/v1/products/{product['id']}", json={"is_active": False}, headers=t.headers())
    assert (
        await client.delete(f"/api/v1/products/{product['id']}", headers=t.headers(Role.admin))
    ).status_code == 204
    rows = await admin_conn.fetch(
        "select event_type, envelope::jsonb->'data' as data,"
        " (envelope::jsonb->>'aggregate_version')::int as v from catalog.outbox"
        " where tenant_id = $1 and event_type like 'catalog.product.%' order by id",
        t.id,
    )
    assert [r["event_type"] for r in rows] == [
        "catalog.product.created.v1",
        "catalog.product.updated.v1",
        "catalog.product.deleted.v1",
    ]
    assert [r["v"] for r in rows] == [1, 2, 3]
    created = json.loads(rows[0]["data"])
    assert created["sku"] == "PROD-1" and created["models"] == [{"model_id": m["id"], "quantity": 2}]
    assert json.loads(rows[1]["data"])["is_active"] is False
