"""Lists: envelope, sort whitelist, full-text ``q``, filters; and a statement count that does not grow with
the page size (limit=5 vs limit=50), counted on the app's real engine."""

from __future__ import annotations

import pytest
from batchivo_common.auth.tokens import Role
from batchivo_common.testing.statements import counting_statements

pytestmark = pytest.mark.db


async def _catalog(api, t, n: int) -> None:
    fids = [await api.filament(t, 0.01 * (i + 1)) for i in range(3)]
    child = await api.product(t, sku="KIT-0")
    for i in range(n):
        model = await api.model(
            t,
            sku=f"MOD-{i:03d}",
            materials=[{"filament_type_id": str(f), "grams": 10} for f in fids],
            components=[{"name": "magnet", "quantity": 2, "unit_cost": 0.1}],
        )
        await api.product(
            t,
            sku=f"PROD-{i:03d}",
            models=[{"model_id": model["id"], "quantity": 2}],
            children=[{"product_id": child["id"]}],
        )


async def test_list_statements_do_not_grow_with_the_page_size(app, api, client) -> None:
    t = api.tenant()
    await _catalog(api, t, 50)
    counts = {}
    for path in ("/api/v1/products", "/api/v1/models"):
        for limit in (5, 50):
            with counting_statements(app) as statements:
                r = await client.get(f"{path}?limit={limit}", headers=t.headers())
            assert r.status_code == 200 and len(r.json()["items"]) == limit
            counts[(path, limit)] = len(statements)
        assert counts[(path, 5)] == counts[(path, 50)], counts
    # One statement: the page with its total, the rates and the cost inputs of its bundle trees (BEGIN,
    # which carries the tenant's set_config, and the COMMIT sent after the response are not counted).
    assert counts[("/api/v1/products", 50)] == 1, counts
    # An offset past the end: the count it could not read from a row.
    with counting_statements(app) as statements:
        r = await client.get("/api/v1/products?limit=5&offset=500", headers=t.headers())
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 51, r.text
    assert len(statements) == 2


async def test_a_list_item_is_what_get_answers_for_the_same_product(api, client) -> None:
    """The batched page and the single read cost the same tree the same way (bundles of bundles, channel
    prices, an uncosted line, an estimate, model overrides)."""
    t = api.tenant()
    cheap, estimate, costless = await api.filament(t, 0.02), await api.filament(t, 0.03, estimate=True), None
    costless = await api.filament(t, None)
    m1 = await api.model(
        t,
        sku="MOD-001",
        labor_minutes=30,
        materials=[
            {"filament_type_id": str(cheap), "grams": 12.5},
            {"filament_type_id": str(costless), "grams": 3},
        ],
        components=[{"name": "magnet", "quantity": 3, "unit_cost": 0.07}],
    )
    m2 = await api.model(
        t,
        sku="MOD-002",
        labor_minutes=7,
        labor_rate_override=22.5,
        overhead_pct_override=12,
        materials=[{"filament_type_id": str(estimate), "grams": 40}],
    )
    inner = await api.product(
        t, sku="PROD-001", models=[{"model_id": m1["id"], "quantity": 2}], packaging_cost=0.3
    )
    middle = await api.product(
        t,
        sku="PROD-002",
        models=[{"model_id": m2["id"]}],
        children=[{"product_id": inner["id"], "quantity": 3}],
    )
    outer = await api.product(
        t,
        sku="PROD-003",
        assembly_minutes=4,
        categories=["gifts"],
        children=[{"product_id": middle["id"]}, {"product_id": inner["id"], "quantity": 2}],
    )
    r = await client.post(
        "/api/v1/sales-channels",
        json={"name": "Etsy", "platform": "etsy", "fee_pct": 6.5, "fixed_fee": 0.2},
        headers=t.headers(Role.admin),
    )
    channel = r.json()["id"]
    for p, price in ((outer, "39.99"), (inner, "9.50")):
        r = await client.put(
            f"/api/v1/products/{p['id']}/prices/{channel}", json={"price": price}, headers=t.headers()
        )
        assert r.status_code == 200, r.text
    listing = await client.get("/api/v1/products?limit=200", headers=t.headers())
    assert listing.status_code == 200
    items = {i["id"]: i for i in listing.json()["items"]}
    assert len(items) == 3
    for p in (inner, middle, outer):
        single = await client.get(f"/api/v1/products/{p['id']}", headers=t.headers())
        assert single.status_code == 200
        assert items[p["id"]] == single.json()
    assert items[outer["id"]]["cost_is_estimate"] is True
    assert items[outer["id"]]["uncosted_lines"] == [str(costless)]
    assert [(c["sales_channel_id"], c["price"]) for c in items[outer["id"]]["channels"]] == [(channel, 39.99)]
    assert items[middle["id"]]["channels"] == []
    made = {c["product_id"]: c["make_cost"] for c in items[outer["id"]]["children"]}
    assert made == {
        middle["id"]: items[middle["id"]]["make_cost"],
        inner["id"]: items[inner["id"]]["make_cost"],
    }
    models = await client.get("/api/v1/models?limit=200", headers=t.headers())
    for m in models.json()["items"]:
        single = await client.get(f"/api/v1/models/{m['id']}", headers=t.headers())
        assert m == single.json()


async def test_envelope_sort_q_and_filters(api, client) -> None:
    t = api.tenant()
    fid = await api.filament(t)
    dragon = await api.model(t, sku="MOD-002", name="Red Dragon", description="articulated")
    await api.model(t, sku="MOD-001", name="Vase", is_active=False)
    await client.post(
        f"/api/v1/models/{dragon['id']}/stock-adjustments",
        json={"delta": 3, "reason": "count"},
        headers=t.headers(),
    )
    _ = fid

    async def skus(query: str, path: str = "/api/v1/models") -> list[str]:
        r = await client.get(f"{path}?{query}", headers=t.headers())
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == {"items", "total", "limit", "offset"} and body["total"] >= len(body["items"])
        return [i["sku"] for i in body["items"]]

    assert await skus("") == ["MOD-001", "MOD-002"]
    assert await skus("sort=-sku") == ["MOD-002", "MOD-001"]
    assert await skus("q=drag") == ["MOD-002"]
    assert await skus("q=articul") == ["MOD-002"]
    assert await skus("q=mod 001") == ["MOD-001"]
    assert await skus("q=nothing-like-it") == []
    assert await skus("q=%27%29%28%21") == ["MOD-001", "MOD-002"]  # only punctuation: no filter, no 500
    assert await skus("active=false") == ["MOD-001"]
    assert await skus("has-stock=true") == ["MOD-002"]
    assert await skus("limit=1&offset=1") == ["MOD-002"]

    await api.product(t, sku="PROD-001", name="Gift box", categories=["gifts", "boxes"])
    await api.product(t, sku="PROD-002", name="Keychain", categories=["small"], is_active=False)
    assert await skus("category=gifts", "/api/v1/products") == ["PROD-001"]
    assert await skus("q=gift", "/api/v1/products") == ["PROD-001"]
    assert await skus("active=false", "/api/v1/products") == ["PROD-002"]
    assert await skus("has-stock=false&sort=-name", "/api/v1/products") == ["PROD-002", "PROD-001"]
    r = await client.get("/api/v1/products?sort=cost", headers=t.headers())
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR"
    r = await client.get("/api/v1/products?limit=201", headers=t.headers())
    assert r.status_code == 422
