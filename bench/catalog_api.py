"""Catalog API through the gateway: a page of 50 products with their cost breakdown for a tenant with
``--products`` products x 3 models x 3 BOM lines.

Starts auth, inventory, the catalog and the gateway with the shared ``harness.stack(catalog=True)``,
registers one shop through the gateway (a real token), seeds the catalog in SQL as the superuser: 9
filament types in the read model (as inventory's events would leave them), ``3 x --products`` models with 3
BOM lines and a component each, ``--products`` products of 3 models each (packaging, assembly, a category)
and one sales channel with a price per product; then ``VACUUM (ANALYZE)``. With wrk, at concurrency 1 and
32: ``GET /api/v1/products?limit=50`` (req/s, p50, p99, the catalog process's CPU ms per request) and the
same for ``/api/v1/models``; ``--rounds`` runs per row (median), ``--direct`` to skip the gateway; the load
average is printed with the figures. Goal: product list p50 under 20 ms. Everything it creates is removed
at the end.

``uv run python bench/catalog_api.py`` (5,000 products); quick check:
``uv run python bench/catalog_api.py --products 500 --seconds 2``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from harness import Stack, WrkStats, median_stats, stack, wrk

LIST_GOAL_MS = 20.0

SEED = """
insert into catalog.filament_types (id, tenant_id, material_code, brand, color_name, cost_per_gram,
                                    cost_is_estimate, aggregate_version)
select gen_random_uuid(), $1, 'PLA', 'Prusament', 'Colour ' || g, 0.018 + g * 0.001, g = 9, 1
from generate_series(1, 9) g;

insert into catalog.models (id, tenant_id, sku, name, description, print_time_minutes, prints_per_plate,
                            labor_minutes)
select gen_random_uuid(), $1, 'MOD-' || lpad(g::text, 5, '0'), 'Model ' || g, 'A printable design no. ' || g,
       90 + g % 60, 1 + g % 4, 5 + g % 20
from generate_series(1, $2::int * 3) g;

insert into catalog.model_materials (id, tenant_id, model_id, filament_type_id, grams, position)
select gen_random_uuid(), $1, m.id, f.id, 10 + k * 5 + m.rn % 7, k
from (select id, row_number() over (order by sku) as rn from catalog.models where tenant_id = $1) m
cross join generate_series(0, 2) k
join (select id, row_number() over (order by id) - 1 as fi from catalog.filament_types where tenant_id = $1) f
  on f.fi = (m.rn + k * 3) % 9;

insert into catalog.model_components (id, tenant_id, model_id, name, quantity, unit_cost, position)
select gen_random_uuid(), $1, id, 'magnet', 2, 0.15, 0 from catalog.models where tenant_id = $1;

insert into catalog.products (id, tenant_id, sku, name, description, packaging_cost, assembly_minutes,
                              categories)
select gen_random_uuid(), $1, 'PROD-' || lpad(g::text, 5, '0'), 'Product ' || g, 'A sellable set no. ' || g,
       0.50, 5, array['category-' || g % 10]
from generate_series(1, $2::int) g;

insert into catalog.product_models (id, tenant_id, product_id, model_id, quantity)
select gen_random_uuid(), $1, p.id, m.id, 1 + m.rn % 3
from (select id, row_number() over (order by sku) as rn from catalog.products where tenant_id = $1) p
join (select id, row_number() over (order by sku) as rn from catalog.models where tenant_id = $1) m
  on (m.rn - 1) / 3 + 1 = p.rn;

insert into catalog.sales_channels (id, tenant_id, name, platform, fee_pct, fixed_fee, monthly_cost)
values (gen_random_uuid(), $1, 'Etsy', 'etsy', 6.5, 0.20, 15);

insert into catalog.product_prices (id, tenant_id, product_id, sales_channel_id, price)
select gen_random_uuid(), $1, p.id, c.id, 19.99
from catalog.products p cross join catalog.sales_channels c where p.tenant_id = $1 and c.tenant_id = $1;
"""


def tenant_of(token: str) -> uuid.UUID:
    payload = token.split(".")[1]
    return uuid.UUID(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["tid"])


async def seed(running: Stack, client: httpx.AsyncClient, products: int) -> str:
    """Registers a shop through the gateway and seeds its catalog in SQL; returns the owner's token."""
    r = await client.post(
        "/api/v1/auth/register",
        json={
            "email": f"bench-{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "full_name": "Bench",
            "tenant_name": "Bench shop",
        },
    )
    r.raise_for_status()
    token: str = r.json()["access_token"]
    tenant = tenant_of(token)
    started = time.perf_counter()
    async with running.db.transaction():
        await running.db.execute("set local row_security = off")
        for statement in filter(str.strip, SEED.split(";\n")):
            params: list[Any] = [tenant, products] if "$2" in statement else [tenant]
            await running.db.execute(statement, *params)
    await running.db.execute("VACUUM (ANALYZE)")
    print(f"seeded {products} products x 3 models x 3 BOM lines in {time.perf_counter() - started:.1f} s")
    return token


async def run(args: argparse.Namespace) -> int:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)  # clean up on kill too
    async with (
        stack("catalog_api", catalog=True) as running,
        httpx.AsyncClient(base_url=running.gateway, timeout=30) as client,
    ):
        token = await seed(running, client, args.products)
        first = await client.get("/api/v1/products?limit=50", headers={"Authorization": f"Bearer {token}"})
        first.raise_for_status()
        body = first.json()
        assert body["total"] == args.products, body["total"]
        assert len(body["items"]) == 50
        sample = body["items"][0]
        print(
            f"first product: make_cost {sample['make_cost']}, models {len(sample['models'])},"
            f" cost {sample['cost']}"
        )

        base = running.catalog if args.direct else running.gateway
        assert base is not None
        assert running.catalog_pid is not None
        rows: list[tuple[str, int, WrkStats, float]] = []
        loads: list[float] = []
        for path in ("/api/v1/products?limit=50", "/api/v1/models?limit=50"):
            for concurrency in (1, 32):
                runs, cpu = [], 0.0
                for _ in range(args.rounds):
                    before = cpu_seconds(running.catalog_pid)
                    stats = await asyncio.to_thread(wrk, base + path, token, concurrency, args.seconds)
                    cpu += cpu_seconds(running.catalog_pid) - before
                    runs.append(stats)
                    loads.append(os.getloadavg()[0])
                merged = median_stats(runs)
                rows.append((path, concurrency, merged, cpu * 1000 / max(merged.requests, 1)))
    print()
    print(
        f"through {'the catalog directly' if args.direct else 'the gateway'}, median of {args.rounds} run(s)"
    )
    head = f"{'endpoint':32} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{head} {'cpu ms/req':>10} {'errors':>6}")
    for path, concurrency, s, cpu_ms in rows:
        line = f"{path:32} {concurrency:>4} {s.rps:>8.1f} {s.p50:>8.2f} {s.p99:>8.2f}"
        print(f"{line} {cpu_ms:>10.2f} {s.errors:>6}")
    print(f"load average (1 min) after each run: {min(loads):.2f}-{max(loads):.2f}")
    p50 = next(s.p50 for path, c, s, _ in rows if path.startswith("/api/v1/products") and c == 1)
    ok = p50 < LIST_GOAL_MS and all(s.errors == 0 for _, _, s, _ in rows)
    print(
        f"\nproduct list p50 at concurrency 1: {p50:.2f} ms (goal < {LIST_GOAL_MS:.0f} ms):"
        f" {'OK' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (``/proc/<pid>/stat``, Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1, help="wrk runs per row; the median is shown")
    parser.add_argument("--direct", action="store_true", help="hit the catalog itself, not the gateway")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
