"""The product list's bytes stay what they were: a seeded shop's ``GET /products`` pages against a recorded
answer (``golden/products_page.json``, recorded from the code before the list was rewritten on Core rows
and orjson).

The shop covers what a page can show: bundles of bundles, channel prices, an uncosted line, an estimated
cost, model overrides, actual costs from completed runs, stock, categories, non-ASCII text, a null
description, whole and fractional numbers. Timestamps are set in SQL (one without microseconds) and ids are
replaced by their order of first appearance, so the comparison is of the exact response text otherwise:
key order, number formatting, escaping. ``BATCHIVO_UPDATE_GOLDEN=1`` records the file again (only when the
response is meant to change)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from batchivo_catalog.events.handlers import on_run_completed
from batchivo_common.auth.tokens import Role
from batchivo_common.messaging.envelope import new_event
from batchivo_common.testing.golden import assert_pages_match, sequential_uuid4

pytestmark = pytest.mark.db

GOLDEN = Path(__file__).parent / "golden" / "products_page.json"
PAGES = (
    "/api/v1/products?limit=50",
    "/api/v1/products?limit=3&offset=2&sort=-name",
    "/api/v1/products?category=gifts",
)


@pytest.fixture
def sequential_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines ordered by id come in creation order, the same on every run."""
    sequential_uuid4(monkeypatch)


async def _seed(api, client, admin_conn) -> object:
    t = api.tenant()
    cheap = await api.filament(t, 0.0213)
    estimate = await api.filament(t, 0.035, estimate=True)
    costless = await api.filament(t, None)
    whole = await api.filament(t, 1)
    m1 = await api.model(
        t,
        sku="MOD-001",
        name="Drache \u2013 größer",
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
        name='Vase "tall"',
        labor_minutes=7,
        labor_rate_override=22.5,
        overhead_pct_override=12,
        materials=[{"filament_type_id": str(estimate), "grams": 40}],
    )
    m3 = await api.model(
        t,
        sku="MOD-003",
        name="Cube",
        materials=[
            {"filament_type_id": str(whole), "grams": 5},
            {"filament_type_id": str(cheap), "grams": 1},
        ],
    )
    inner = await api.product(
        t,
        sku="PROD-001",
        name="Inner",
        description="Ein Würfel\nmit Zeilenumbruch",
        models=[{"model_id": m1["id"], "quantity": 2}],
        packaging_cost=0.3,
    )
    middle = await api.product(
        t,
        sku="PROD-002",
        name="Middle",
        models=[{"model_id": m2["id"]}],
        children=[{"product_id": inner["id"], "quantity": 3}],
        categories=["gifts", "décor"],
    )
    outer = await api.product(
        t,
        sku="PROD-003",
        name="Outer",
        assembly_minutes=4,
        categories=["gifts"],
        children=[{"product_id": middle["id"]}, {"product_id": inner["id"], "quantity": 2}],
    )
    cube = await api.product(
        t, sku="PROD-004", name="Cube box", models=[{"model_id": m3["id"], "quantity": 4}]
    )
    await api.product(t, sku="PROD-005", name="Empty", is_active=False, packaging_cost=2)
    for i in range(6, 12):
        await api.product(
            t,
            sku=f"PROD-{i:03d}",
            name=f"Set {i}",
            models=[{"model_id": m3["id"], "quantity": i}, {"model_id": m1["id"]}],
            assembly_minutes=i / 4,
        )
    # Actual costs: m3 from two runs (every model of the cube box has one), m1 from one.
    for model, units, cost in ((m3, 4, 0.5), (m3, 2, 0.8125), (m1, 3, 1.1)):
        await api.deliver(
            new_event(
                "production.run.completed.v1",
                producer="production",
                tenant_id=t.id,
                data={
                    "run_id": str(uuid.uuid4()),
                    "materials": [],
                    "models": [
                        {"model_id": model["id"], "successful_units": units, "actual_unit_cost": cost}
                    ],
                },
            ),
            on_run_completed,
        )
    r = await client.post(
        f"/api/v1/products/{cube['id']}/stock-adjustments",
        json={"delta": 7, "reason": "count"},
        headers=t.headers(),
    )
    assert r.status_code == 200, r.text
    channels = []
    for name, fee, fixed in (("Etsy", 6.5, 0.2), ("Shop", 0, 0)):
        r = await client.post(
            "/api/v1/sales-channels",
            json={"name": name, "platform": name.lower(), "fee_pct": fee, "fixed_fee": fixed},
            headers=t.headers(Role.admin),
        )
        assert r.status_code == 201, r.text
        channels.append(r.json()["id"])
    for p, channel, price in (
        (outer, channels[0], "39.99"),
        (inner, channels[0], "9.50"),
        (inner, channels[1], "0.01"),
        (cube, channels[1], "12"),
    ):
        r = await client.put(
            f"/api/v1/products/{p['id']}/prices/{channel}", json={"price": price}, headers=t.headers()
        )
        assert r.status_code == 200, r.text
    # Fixed timestamps in SKU order, the first without microseconds.
    await admin_conn.execute(
        """
        update catalog.products p set
            created_at = timestamptz '2026-03-01 10:00:00+00' + n * interval '1 day 1.234567 second',
            updated_at = timestamptz '2026-04-01 12:30:00+00' + n * interval '2 hours 0.5 second'
        from (select id, row_number() over (order by sku) - 1 as n from catalog.products
              where tenant_id = $1) o
        where p.id = o.id
        """,
        t.id,
    )
    return t


async def test_product_pages_are_the_recorded_bytes(api, client, admin_conn, sequential_ids) -> None:
    t = await _seed(api, client, admin_conn)
    await assert_pages_match(client, PAGES, t.headers(Role.viewer), GOLDEN)
