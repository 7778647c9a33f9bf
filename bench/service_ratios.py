"""The floor_ratio method applied beyond inventory: the gateway's ``/auth/me``, the catalog's product list and
production's run list, each beside the physical floor in one run (issue 14).

Starts the floor of ``../shared/bench`` (as ``floor_ratio.py`` does) and the whole stack with catalog and
production (``harness.stack(production=True)``: their workers too). Seeds, through the gateway and in SQL:

- a catalog shop with ``--products`` products x 3 models x 3 BOM lines (``catalog_api.seed``);
- a production shop with ``--runs`` runs in progress, 2 material lines each (``production_complete``).

Then wrk alternates floor and platform round by round, as ``floor_ratio.py`` does:

- ``GET /api/v1/auth/me``                 vs floor ``GET /one/{id}`` (both read one row by key)
- ``GET /api/v1/products?limit=50``       vs floor ``GET /list?material=PLA`` (a page of 50)
- ``GET /api/v1/production-runs?limit=50`` vs floor ``GET /list?material=PLA``

and prints req/s, p50, p99, the ratios and the CPU milliseconds per request of each process group (the
gateway, the service that answers, the platform's PostgreSQL backends; the floor app and its backends). No
goals are set for these three in issue 14: the figures are to read beside the inventory ones. Everything it
creates is removed at the end; without the floor's files it says so and exits 0.

``uv run python bench/service_ratios.py``; quick check:
``... --seconds 2 --rounds 1 --products 200 --runs 20``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import tempfile
import uuid
from pathlib import Path

import asyncpg
import catalog_api
import httpx
import production_complete
import profiles
from floor_ratio import (
    FLOOR_TENANT,
    Target,
    alternate,
    backends,
    database_sessions,
    floor_app,
    report_cpu,
    run_beside_floor,
)
from harness import WrkStats, stack
from inventory_api import lua_get_cycle

LABELS = {
    "me": "GET /auth/me",
    "products": "GET /products?limit=50",
    "runs": "GET /production-runs?limit=50",
}
#: Which service answers each request (its process is the "service" CPU group).
SERVICE = {"me": "auth", "products": "catalog", "runs": "production"}


async def run(args: argparse.Namespace) -> int:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    pg = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
    with tempfile.TemporaryDirectory(prefix="batchivo-ratios-") as scratch_dir:
        scratch = Path(scratch_dir)
        async with (
            floor_app(pg) as (port, dsn, floor_pid),
            stack("service_ratios", production=True) as running,
            httpx.AsyncClient(base_url=running.gateway, timeout=60) as client,
        ):
            assert running.catalog is not None
            assert running.production is not None
            pids: dict[str, int] = {}
            for name, url in (
                ("gateway", running.gateway),
                ("auth", running.auth),
                ("catalog", running.catalog),
                ("production", running.production),
            ):
                pid = profiles.pid_of_port(int(url.rsplit(":", 1)[1]))
                if pid is None:
                    raise RuntimeError(f"no process listens for {name} at {url}")
                pids[name] = pid

            catalog_token = await catalog_api.seed(running, client, args.products)
            shop = await production_complete.setup(running.gateway)
            try:
                await production_complete.prepare(shop, args.runs)
                production_token = str(shop.client.headers["Authorization"]).removeprefix("Bearer ")
            finally:
                await shop.client.aclose()
            await running.db.execute("VACUUM (ANALYZE)")

            floor_conn = await asyncpg.connect(dsn)
            try:
                floor_ids = [
                    str(r["id"])
                    for r in await floor_conn.fetch(
                        "select id from spools where tenant_id = $1 order by random() limit 1000",
                        uuid.UUID(FLOOR_TENANT),
                    )
                ]
            finally:
                await floor_conn.close()
            floor = f"http://127.0.0.1:{port}"
            floor_one = Target(
                floor + "/one/", "-", lua_get_cycle(scratch / "floor-get.lua", "/one/", floor_ids)
            )
            floor_list = Target(floor + "/list?material=PLA", "-")
            pairs = {
                "me": (floor_one, Target(running.gateway + "/api/v1/auth/me", catalog_token)),
                "products": (
                    floor_list,
                    Target(running.gateway + "/api/v1/products?limit=50", catalog_token),
                ),
                "runs": (
                    floor_list,
                    Target(running.gateway + "/api/v1/production-runs?limit=50", production_token),
                ),
            }
            for name, (_, platform) in pairs.items():
                answer = await client.get(
                    platform.url.removeprefix(running.gateway),
                    headers={"Authorization": f"Bearer {platform.token}"},
                )
                if answer.status_code != 200:
                    raise RuntimeError(f"{name}: {answer.status_code} {answer.text[:200]}")
                if name != "me" and len(answer.json()["items"]) < min(50, args.runs):
                    raise RuntimeError(f"{name}: fewer items than seeded: {answer.text[:200]}")

            print(f"\nwarming up, then {args.rounds} alternating rounds of {args.seconds} s per target")
            for floor_target, platform_target in pairs.values():
                floor_target.run(32, 1)
                platform_target.run(32, 1)
            floor_procs = {
                "floor app": [floor_pid],
                "floor PG": await backends(running.db, dsn.rsplit("/", 1)[1]),
            }
            platform_pg = await backends(running.db, None)
            load_before = os.getloadavg()[0]
            sessions_before = await database_sessions(running.db)
            results: dict[tuple[str, int], tuple[WrkStats, WrkStats]] = {}
            cpu: dict[str, dict[str, float]] = {}
            for concurrency in (32, 1):
                for name, (floor_target, platform_target) in pairs.items():
                    platform_procs = {
                        "gateway": profiles.with_children(pids["gateway"]),
                        "service": profiles.with_children(pids[SERVICE[name]]),
                        "platform PG": platform_pg,
                    }
                    results[(name, concurrency)], by_group = alternate(
                        floor_target, platform_target, concurrency, args, floor_procs, platform_procs
                    )
                    if concurrency == 32:
                        cpu[name] = by_group
            load_after = os.getloadavg()[0]
            opened = await database_sessions(running.db) - sessions_before
    report(results, cpu, load_before, load_after)
    print(f"PostgreSQL sessions opened on the platform's database during the timed runs: {opened}")
    return 0


def report(
    results: dict[tuple[str, int], tuple[WrkStats, WrkStats]],
    cpu: dict[str, dict[str, float]],
    load_before: float,
    load_after: float,
) -> None:
    print(
        f"\n{'request':32s} {'conc':>4s} {'floor r/s':>10s} {'platform r/s':>12s} {'ratio':>7s}"
        f" {'floor p50':>9s} {'plat p50':>9s} {'plat p99':>9s}  errors"
    )
    for (name, concurrency), (f, p) in results.items():
        ratio = p.rps / f.rps if f.rps else 0.0
        print(
            f"{LABELS[name]:32s} {concurrency:4d} {f.rps:10.0f} {p.rps:12.0f} {ratio:7.1%}"
            f" {f.p50:9.2f} {p.p50:9.2f} {p.p99:9.2f}  {f.errors}/{p.errors}"
        )
    print(f"1-minute load average: {load_before:.2f} before timing, {load_after:.2f} after")
    report_cpu(cpu, LABELS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--products", type=int, default=1_000, help="products of the catalog shop")
    parser.add_argument("--runs", type=int, default=200, help="runs in progress of the production shop")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per target (median)")
    run_beside_floor(parser, run)


if __name__ == "__main__":
    main()
