"""The shop-wide ledger (filters, keyset cursor, CSV) and the usage statistics, over the API and a real
database. Rows with chosen times and runs are booked in SQL as the owner (as the run worker would book them:
the spool's weight moves with its row)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

LEDGER = "/api/v1/inventory/transactions"


async def book(
    admin_conn,
    tenant,
    spool: dict[str, Any],
    kind: str,
    delta: float,
    when: datetime,
    *,
    run_id: uuid.UUID | None = None,
    reason: str | None = None,
) -> uuid.UUID:
    sid = uuid.UUID(spool["id"])
    before = await admin_conn.fetchval("select current_weight from inventory.spools where id = $1", sid)
    after = before + Decimal(str(delta))
    row_id = uuid.uuid4()
    await admin_conn.execute(
        "insert into inventory.inventory_transactions (id, tenant_id, spool_id, kind, grams_before, delta,"
        " grams_after, reason, production_run_id, created_at)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        row_id,
        tenant.id,
        sid,
        kind,
        before,
        Decimal(str(delta)),
        after,
        reason,
        run_id,
        when,
    )
    await admin_conn.execute("update inventory.spools set current_weight = $2 where id = $1", sid, after)
    return row_id


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


@pytest.fixture
async def shop(api, client, admin_conn):
    """A PLA spool priced 25 (0.025/g) and an unpriced PETG spool, with rows in January and February."""
    tenant = api.tenant()
    pla = await api.spool(tenant, initial_weight=1000, purchase_price=25)
    petg_type = await api.filament_type(tenant, material_type_id=str(await api.material_id(tenant, "PETG")))
    petg = await api.spool(tenant, petg_type["id"], initial_weight=1000)
    run = uuid.uuid4()
    rows = {
        "jan_usage": await book(
            admin_conn, tenant, pla, "usage", -100, at(1, 15), run_id=run, reason="run RUN-7"
        ),
        "jan_return": await book(
            admin_conn, tenant, pla, "return", 20, at(1, 20), run_id=run, reason="run RUN-7"
        ),
        "feb_waste": await book(admin_conn, tenant, petg, "waste", -50, at(2, 10), reason="run failed: clog"),
        "feb_adjust": await book(admin_conn, tenant, petg, "adjustment", -5, at(2, 11), reason="weighed"),
    }
    return {"tenant": tenant, "pla": pla, "petg": petg, "run": run, "rows": rows}


async def _ids(client, tenant, query: str) -> list[str]:
    response = await client.get(f"{LEDGER}?limit=200&{query}", headers=tenant.headers(Role.viewer))
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["items"]]


async def test_every_filter_of_the_shop_ledger(shop, client) -> None:
    t, rows = shop["tenant"], {k: str(v) for k, v in shop["rows"].items()}
    everything = (await client.get(f"{LEDGER}?limit=200", headers=t.headers(Role.viewer))).json()
    assert everything["total"] == 6 and everything["next_cursor"] is None  # + the two purchases
    first = everything["items"][0]
    assert first["kind"] == "purchase"  # booked now: newest first
    feb = next(r for r in everything["items"] if r["id"] == rows["feb_waste"])
    assert (feb["material_code"], feb["spool_code"], feb["delta"]) == ("PETG", shop["petg"]["code"], -50)
    assert feb["brand"] == "Prusament" and feb["color_name"].startswith("Galaxy")

    jan = "from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z"
    assert await _ids(client, t, jan) == [rows["jan_return"], rows["jan_usage"]]
    assert await _ids(client, t, "from=2026-02-10T12:00:00&to=2026-02-11T12:00:00") == [rows["feb_waste"]]
    assert await _ids(client, t, "kind=waste") == [rows["feb_waste"]]
    assert await _ids(client, t, f"material=petg&{jan.replace('-01T', '-28T', 1)}") == []
    assert set(await _ids(client, t, "material=PETG&to=2026-03-01T00:00:00Z")) == {
        rows["feb_waste"],
        rows["feb_adjust"],
    }
    assert await _ids(client, t, f"spool={shop['pla']['code'].lower()}&kind=usage") == [rows["jan_usage"]]
    assert len(await _ids(client, t, f"spool_id={shop['petg']['id']}")) == 3
    by_run = [rows["jan_return"], rows["jan_usage"]]
    assert await _ids(client, t, f"run={shop['run']}") == by_run
    assert await _ids(client, t, "run=RUN-7") == by_run
    assert await _ids(client, t, f"production_run_id={shop['run']}") == by_run
    assert await _ids(client, t, "run=RUN-8") == []
    assert await _ids(client, t, "sort=created_at&kind=usage") == [rows["jan_usage"]]


async def test_bad_filters_are_422_and_other_shops_see_nothing(shop, api, client) -> None:
    t = shop["tenant"]
    h = t.headers(Role.viewer)
    for query in (
        "kind=theft",
        "from=yesterday",
        "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
        "cursor=not-a-cursor",
        "cursor=bm9wZXxub3Bl",
        "sort=kind",
        "limit=201",
        f"spool={'x' * 33}",
    ):
        api.error(await client.get(f"{LEDGER}?{query}", headers=h), 422, "VALIDATION_ERROR")
    page = (await client.get(f"{LEDGER}?limit=2", headers=h)).json()
    api.error(await client.get(f"{LEDGER}?limit=2&offset=2&cursor={page['next_cursor']}", headers=h), 422)
    other = api.tenant()
    assert (await client.get(LEDGER, headers=other.headers())).json()["total"] == 0
    csv_other = await client.get(f"{LEDGER}.csv", headers=other.headers())
    assert csv_other.status_code == 200 and csv_other.text.count("\r\n") == 1  # the header only
    usage = (await client.get("/api/v1/inventory/usage?group=material", headers=other.headers())).json()
    assert usage["items"] == [] and usage["total_grams"] == 0


async def test_cursor_pages_are_stable_while_rows_are_booked(api, client, admin_conn) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=5000)
    same_time = at(3, 1)  # ties on created_at are ordered by id
    old = [
        await book(admin_conn, tenant, spool, "usage", -1, same_time if n % 3 else at(3, n + 2))
        for n in range(24)
    ]
    h = tenant.headers(Role.viewer)
    seen: list[str] = []
    booked_meanwhile = 0
    response = (await client.get(f"{LEDGER}?limit=10", headers=h)).json()
    assert response["total"] == 25
    seen += [r["id"] for r in response["items"]]
    while response["next_cursor"]:
        # new rows arrive between pages: they are newer, so they never shift the pages being read
        await client.post(f"/api/v1/spools/{spool['id']}/use", json={"grams": 1}, headers=tenant.headers())
        booked_meanwhile += 1
        response = (await client.get(f"{LEDGER}?limit=10&cursor={response['next_cursor']}", headers=h)).json()
        assert response["total"] is None
        seen += [r["id"] for r in response["items"]]
    assert len(seen) == len(set(seen)) == 25
    assert set(map(str, old)) <= set(seen)
    times = [
        (r["created_at"], r["id"])
        for r in (await client.get(f"{LEDGER}?limit=200", headers=h)).json()["items"]
    ]
    assert times == sorted(times, reverse=True)
    # oldest first pages the same way
    asc: list[str] = []
    cursor = ""
    while True:
        page = (await client.get(f"{LEDGER}?sort=created_at&limit=7{cursor}", headers=h)).json()
        asc += [r["id"] for r in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert booked_meanwhile == 2
    assert len(asc) == len(set(asc)) == 25 + booked_meanwhile and asc[-1] != seen[0]


async def test_the_csv_has_the_list_filters_and_defuses_formulas(shop, client) -> None:
    t = shop["tenant"]
    used = await client.post(
        f"/api/v1/spools/{shop['pla']['id']}/use",
        json={"grams": 3, "reason": "=HYPERLINK(1)"},
        headers=t.headers(),
    )
    assert used.status_code == 200
    response = await client.get(f"{LEDGER}.csv?kind=usage", headers=t.headers(Role.viewer))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="transactions.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["kind"], r["delta"], r["reason"]) for r in rows] == [
        ("usage", "-3.00", "'=HYPERLINK(1)"),
        ("usage", "-100.00", "run RUN-7"),
    ]
    assert rows[1]["spool_code"] == shop["pla"]["code"] and rows[1]["material"] == "PLA"
    assert rows[1]["production_run_id"] == str(shop["run"])
    everything = await client.get(f"{LEDGER}.csv", headers=t.headers(Role.viewer))
    assert len(list(csv.DictReader(io.StringIO(everything.text)))) == 7


async def test_the_csv_streams_more_rows_than_one_batch(api, client, admin_conn) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=5000)
    await admin_conn.execute(
        "insert into inventory.inventory_transactions (id, tenant_id, spool_id, kind, grams_before, delta,"
        " grams_after, created_at) select gen_random_uuid(), $1, $2, 'usage', 2, -1, 1,"
        " timestamptz '2026-01-01' + n * interval '1 minute' from generate_series(1, 2345) n",
        tenant.id,
        uuid.UUID(spool["id"]),
    )
    response = await client.get(f"{LEDGER}.csv", headers=tenant.headers(Role.viewer))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2346 and len({r["id"] for r in rows}) == 2346
    assert [r["created_at"] for r in rows] == sorted((r["created_at"] for r in rows), reverse=True)


async def test_usage_per_month_and_per_material_in_grams_and_money(shop, api, client) -> None:
    t = shop["tenant"]
    h = t.headers(Role.viewer)
    months = (
        await client.get("/api/v1/inventory/usage?group=month&from=2026-01-01&to=2026-04-01", headers=h)
    ).json()
    assert [(i["key"], i["grams"], i["cost"]) for i in months["items"]] == [
        ("2026-01", 80, 2.0),  # 100 used - 20 returned, at the spool's 0.025/g
        ("2026-02", 50, 0),  # PETG's waste: no price; the global material's cost is EUR, no rate set
        ("2026-03", 0, 0),
    ]
    assert months["total_grams"] == 130 and months["total_cost"] == 2 and months["uncosted_grams"] == 50
    materials = (await client.get("/api/v1/inventory/usage?group=material", headers=h)).json()
    assert [(i["key"], i["grams"], i["cost"], i["uncosted_grams"]) for i in materials["items"]] == [
        ("PLA", 80, 2.0, 0),
        ("PETG", 50, 0, 50),
    ]
    # a JPY shop sets its rate: PETG's typical 25 EUR/kg is 4,000 JPY/kg, 4 JPY/g
    saved = await client.put(
        "/api/v1/inventory/settings",
        json={"currency_code": "jpy", "rate_from_eur": 160},
        headers=t.headers(Role.admin),
    )
    assert saved.status_code == 200, saved.text
    materials = (await client.get("/api/v1/inventory/usage?group=material", headers=h)).json()
    assert [(i["key"], i["cost"], i["estimated_grams"], i["uncosted_grams"]) for i in materials["items"]] == [
        ("PLA", 2.0, 0, 0),
        ("PETG", 200.0, 50, 0),
    ]
    # the type's own priced spools win over the material's typical cost
    await api.spool(t, shop["petg"]["filament_type_id"], initial_weight=500, purchase_price=15)
    materials = (await client.get("/api/v1/inventory/usage?group=material", headers=h)).json()
    assert materials["items"][1]["cost"] == 1.5  # 50 g at 15 / 500
    assert materials["total_cost"] == 3.5
    api.error(await client.get("/api/v1/inventory/usage?group=week", headers=h), 422)


async def test_the_total_is_counted_up_to_a_cap(shop, client, monkeypatch) -> None:
    from batchivo_inventory.history import router, service

    t = shop["tenant"]
    exact = (await client.get(f"{LEDGER}?limit=2", headers=t.headers(Role.viewer))).json()
    assert (exact["total"], exact["total_is_exact"]) == (6, True)
    monkeypatch.setattr(service, "TOTAL_CAP", 4)
    monkeypatch.setattr(router, "TOTAL_CAP", 4)
    capped = (await client.get(f"{LEDGER}?limit=2", headers=t.headers(Role.viewer))).json()
    assert (capped["total"], capped["total_is_exact"]) == (5, False)
    assert len(capped["items"]) == 2 and capped["next_cursor"]
