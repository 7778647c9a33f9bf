"""The shop-wide ledger and usage at 2,000 and at 200,000 ledger rows per tenant, through the gateway.

    uv run python bench/history_ledger.py                       # 2,000 vs 200,000 rows
    uv run python bench/history_ledger.py --big 20000 --requests 20   # a quick check

It starts auth, inventory and the gateway (``harness.stack``), registers two shops through the gateway,
creates a PLA and a PETG filament type and one spool each through the API, then (as the superuser) copies
100 spools per shop and books ``--small`` / ``--big`` ledger rows over them in SQL: usage, waste, adjustments
and returns spread over the last 12 months, a run id on every tenth row; then ``VACUUM (ANALYZE)``.
It measures sequential requests (p50 and p95 of ``--requests`` each, after a warm-up) for:

- the first page (50 rows, with ``total``), a page 40 cursors deep, and filtered first pages (``kind``,
  ``material``, a one-month range, a run);
- ``/inventory/usage`` per month and per material;
- ``transactions.csv`` for one month (rows, bytes, seconds).

It also prints the plan of the cursor page query as the app role under RLS (``EXPLAIN (ANALYZE, BUFFERS)``).
A measurement to read, not a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from harness import stack

SCHEMA = "inventory"


@dataclass
class Shop:
    label: str
    rows: int
    token: str
    id: uuid.UUID


def claims(token: str) -> dict[str, Any]:
    import base64
    import json

    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


def check(response: httpx.Response, *codes: int) -> None:
    if response.status_code not in codes:
        raise RuntimeError(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
        )


async def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--big", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    async with (
        stack("history_ledger") as running,
        httpx.AsyncClient(base_url=running.gateway, timeout=120) as client,
    ):
        shops = [
            await register(client, "small", args.small, running.run_id),
            await register(client, "big", args.big, running.run_id),
        ]
        for shop in shops:
            await seed(client, running.db, shop)
        await running.db.execute(
            f"VACUUM (ANALYZE) {SCHEMA}.inventory_transactions, {SCHEMA}.spools, {SCHEMA}.filament_types"
        )
        total = await running.db.fetchval(f"select count(*) from {SCHEMA}.inventory_transactions")
        print(f"seeded {total:,} ledger rows; vacuumed and analysed", flush=True)
        results: dict[str, dict[str, tuple[float, float]]] = {}
        extra: dict[str, str] = {}
        for shop in shops:
            results[shop.label], extra[shop.label] = await measure(client, running.db, shop, args.requests)
        await explain(running, shops[1])
    print()
    print(f"{'request':<34} {'p50 small':>10} {'p50 big':>10} {'p95 big':>10} {'big/small':>10}")
    for name in results["small"]:
        small, big = results["small"][name], results["big"][name]
        print(f"{name:<34} {small[0]:>8.1f}ms {big[0]:>8.1f}ms {big[1]:>8.1f}ms {big[0] / small[0]:>9.2f}x")
    for label, text in extra.items():
        print(f"{label}: {text}")
    return 0


async def register(client: httpx.AsyncClient, label: str, rows: int, run_id: str) -> Shop:
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": f"history-{run_id}-{label}@example.com",
            "password": "bench password 1",
            "full_name": f"History {label}",
            "tenant_name": f"History {label}",
        },
    )
    check(response, 201, 200)
    token = response.json()["access_token"]
    return Shop(label, rows, token, uuid.UUID(claims(token)["tid"]))


async def seed(client: httpx.AsyncClient, db: Any, shop: Shop) -> None:
    h = {"Authorization": f"Bearer {shop.token}"}
    materials = (await client.get("/api/v1/material-types", params={"limit": 200}, headers=h)).json()["items"]
    by_code = {m["code"]: m["id"] for m in materials}
    spools: list[str] = []
    for n, code in enumerate(("PLA", "PETG")):
        ft = await client.post(
            "/api/v1/filament-types",
            json={"material_type_id": by_code[code], "brand": "Bench", "color_name": f"Colour {n}"},
            headers=h,
        )
        check(ft, 201)
        spool = await client.post(
            "/api/v1/spools",
            json={"filament_type_id": ft.json()["id"], "initial_weight": 100000, "purchase_price": 2000},
            headers=h,
        )
        check(spool, 201)
        spools.append(spool.json()["id"])
    # 100 spools: copies of the two (codes B-1.., alternating types), every one at 100 kg.
    await db.execute(
        f"insert into {SCHEMA}.spools (id, tenant_id, code, filament_type_id, initial_weight, current_weight,"
        " purchase_price) select gen_random_uuid(), s.tenant_id, 'B-' || g.i, s.filament_type_id, 100000,"
        f" 100000, 2000 from generate_series(1, 98) g(i) join {SCHEMA}.spools s"
        " on s.id = (ARRAY[$1::uuid, $2::uuid])[1 + g.i % 2]",
        uuid.UUID(spools[0]),
        uuid.UUID(spools[1]),
    )
    # The ledger rows: spread over the last 365 days, newest now; grams_before/after need not chain here (the
    # listing does not read the chain), every row keeps grams_after >= 0.
    await db.execute(
        f"insert into {SCHEMA}.inventory_transactions (id, tenant_id, spool_id, kind, grams_before, delta,"
        " grams_after, reason, production_run_id, created_at)"
        " select gen_random_uuid(), $1, sp.ids[1 + g.i % 100],"
        " (ARRAY['usage','usage','usage','waste','adjustment','return'])[1 + g.i % 6],"
        " 1000, -1, 999, case when g.i % 10 = 0 then 'run R-' || (g.i / 10) else 'manual' end,"
        " case when g.i % 10 = 0 then gen_random_uuid() end,"
        " now() - make_interval(secs => (g.i::float8 * 31536000 / $2))"
        f" from generate_series(1, $2) g(i), (select array_agg(id order by code) ids from {SCHEMA}.spools"
        " where tenant_id = $1) sp",
        shop.id,
        shop.rows,
    )


async def timed(
    client: httpx.AsyncClient, shop: Shop, path: str, params: dict[str, Any], n: int
) -> tuple[float, float]:
    h = {"Authorization": f"Bearer {shop.token}"}
    for _ in range(3):
        check(await client.get(path, params=params, headers=h), 200)
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = await client.get(path, params=params, headers=h)
        samples.append((time.perf_counter() - started) * 1000)
        check(response, 200)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


async def measure(
    client: httpx.AsyncClient, db: Any, shop: Shop, n: int
) -> tuple[dict[str, tuple[float, float]], str]:
    h = {"Authorization": f"Bearer {shop.token}"}
    ledger = "/api/v1/inventory/transactions"
    out: dict[str, tuple[float, float]] = {}
    out["first page (with total)"] = await timed(client, shop, ledger, {"limit": 50}, n)
    cursor = None
    for _ in range(40):
        body = (
            await client.get(
                ledger, params={"limit": 50, **({"cursor": cursor} if cursor else {})}, headers=h
            )
        ).json()
        cursor = body["next_cursor"]
    out["page 40 cursors deep"] = await timed(client, shop, ledger, {"limit": 50, "cursor": cursor}, n)
    out["kind=waste"] = await timed(client, shop, ledger, {"limit": 50, "kind": "waste"}, n)
    out["material=PETG"] = await timed(client, shop, ledger, {"limit": 50, "material": "PETG"}, n)
    now = datetime.now(UTC)
    month = {"from": (now - timedelta(days=60)).isoformat(), "to": (now - timedelta(days=30)).isoformat()}
    out["one month"] = await timed(client, shop, ledger, {"limit": 50, **month}, n)
    out["run=R-7"] = await timed(client, shop, ledger, {"limit": 50, "run": "R-7"}, n)
    out["usage group=month"] = await timed(
        client, shop, "/api/v1/inventory/usage", {"group": "month"}, max(5, n // 5)
    )
    out["usage group=material"] = await timed(
        client, shop, "/api/v1/inventory/usage", {"group": "material"}, max(5, n // 5)
    )
    started = time.perf_counter()
    response = await client.get(f"{ledger}.csv", params=month, headers=h)
    check(response, 200)
    seconds = time.perf_counter() - started
    lines = response.text.count("\r\n") - 1
    return out, f"CSV of one month: {lines:,} rows, {len(response.content):,} bytes in {seconds:.2f} s"


async def explain(running: Any, shop: Shop) -> None:
    """The plan of a cursor page as the app role, under RLS, from the middle of the ledger."""
    db = running.db
    app_role = running.env["INVENTORY_DATABASE_URL"].split("://", 1)[1].split("@", 1)[0]
    middle = await db.fetchrow(
        f"select created_at, id from {SCHEMA}.inventory_transactions where tenant_id = $1"
        " order by created_at desc, id desc offset $2 limit 1",
        shop.id,
        shop.rows // 2,
    )
    async with db.transaction():
        await db.execute(f'SET LOCAL ROLE "{app_role}"')
        await db.execute("select set_config('app.tenant_id', $1, true)", str(shop.id))
        plan = await db.fetch(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) select t.*, s.code, s.filament_type_id"
            f" from {SCHEMA}.inventory_transactions t join {SCHEMA}.spools s on s.id = t.spool_id"
            " where t.tenant_id = $1 and (t.created_at, t.id) < ($2, $3)"
            " order by t.created_at desc, t.id desc limit 51",
            shop.id,
            middle["created_at"],
            middle["id"],
        )
    print(f"\nplan of a cursor page {shop.rows // 2:,} rows deep (app role, RLS):")
    for row in plan:
        print("  " + row[0])


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
