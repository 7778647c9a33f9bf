"""Where the inventory service spends a hot request's time: the inventory app built in this process against
the tenant of ``floor_ratio.py`` (1,000 spools over four materials), each of the four hot requests sent
through an in-process ASGI client: its SQL statements (text and client-side time), the CPU per request
(least of three batches; the in-process client's own share included) and a cProfile of ``--requests`` of
them, by own time.

``uv run python bench/inventory_profile.py [--only get,use] [--requests 300] [--top 30]``. A diagnostic to
find the hot path, not a timing goal (the wrk figures of ``floor_ratio.py`` are the measurement).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import profiles
from batchivo_inventory.main import create_app
from batchivo_inventory.settings import InventorySettings
from floor_ratio import MATERIALS, register_one, seed_platform
from harness import stack
from inventory_api import SCHEMA, Bench
from sqlalchemy import event

Send = Callable[[], Awaitable[httpx.Response]]


async def run(args: argparse.Namespace) -> None:
    async with stack("inventory_profile") as running:
        bench_args = argparse.Namespace(spools=1000, filament_types=len(MATERIALS), filter="location")
        with tempfile.TemporaryDirectory() as scratch:
            bench = Bench(bench_args, running.gateway, running.db, Path(scratch), running.run_id)
            async with bench.client:
                tenant = await register_one(bench, 1000)
                await seed_platform(bench, tenant, 1000)
                use_spool = await bench.create_spool(tenant, initial_weight=100_000)
        ids = [
            str(r["id"])
            for r in await running.db.fetch(
                f"select id from {SCHEMA}.spools where tenant_id = $1 limit 1000", tenant.id
            )
        ]
        assert running.env is not None
        os.environ.update(running.env)
        app = create_app(InventorySettings(), configure_process=False)
        headers = {"Authorization": f"Bearer {tenant.token}"}
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://inventory") as client,
        ):
            counter = iter(range(10**9))
            requests: dict[str, Send] = {
                "get": lambda: client.get(f"/api/v1/spools/{ids[next(counter) % len(ids)]}", headers=headers),
                "list": lambda: client.get("/api/v1/spools?material=PLA&limit=50", headers=headers),
                "use": lambda: client.post(
                    f"/api/v1/spools/{use_spool['id']}/use", json={"grams": 0.01}, headers=headers
                ),
                "create": lambda: client.post(
                    "/api/v1/spools",
                    json={
                        "filament_type_id": tenant.filament_type_ids[0],
                        "initial_weight": 1000,
                        "purchase_price": 20,
                        "location": "Shelf A",
                    },
                    headers=headers,
                ),
            }
            idle = await client_cost(client)
            print(f"the in-process client alone (GET /healthz): {idle:.3f} ms CPU per request")
            for name, send in requests.items():
                if args.only and name not in args.only:
                    continue
                await profile_one(app, name, send, args)


async def client_cost(client: httpx.AsyncClient) -> float:
    best = float("inf")
    for _ in range(3):
        c0 = time.process_time()
        for _ in range(200):
            (await client.get("/healthz")).raise_for_status()
        best = min(best, (time.process_time() - c0) / 200 * 1000)
    return best


async def profile_one(app: Any, name: str, send: Send, args: argparse.Namespace) -> None:
    statements: list[str] = []
    started: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        took = time.perf_counter() - started.pop(id(cursor), time.perf_counter())
        statements.append(f"{took * 1000:6.2f} ms  {' '.join(statement.split())[:160]}")

    for _ in range(20):  # warm up: JWKS, statement caches, pool
        response = await send()
        if response.status_code >= 300:
            raise RuntimeError(f"{name}: {response.status_code} {response.text}")
    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    await send()
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    print(f"\n=== {name}: {len(statements)} statements (client-side time)", *statements, sep="\n  ")
    cpu = float("inf")
    for _ in range(3):  # the least of three batches: the host's other load only ever adds
        c0 = time.process_time()
        for _ in range(args.requests):
            await send()
        cpu = min(cpu, (time.process_time() - c0) / args.requests * 1000)
    print(f"{name}: {cpu:.3f} ms CPU per request in process (client included)")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.requests):
        await send()
    profile.disable()
    out = Path(__file__).parent / "results" / f"inventory_profile-{name}.prof"
    out.parent.mkdir(parents=True, exist_ok=True)
    profile.dump_stats(out)  # for pstats' print_callers and friends
    stats = pstats.Stats(profile)
    by_bucket: dict[str, float] = {}
    for (filename, _, function), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        lib = profiles.bucket([f"{filename}:{function}"])
        by_bucket[lib] = by_bucket.get(lib, 0.0) + own
    total = sum(by_bucket.values())
    shares = sorted(by_bucket.items(), key=lambda kv: -kv[1])
    print(
        f"{name}: own time by library under cProfile: " + ", ".join(f"{b} {v / total:.0%}" for b, v in shares)
    )
    stats.sort_stats("tottime").print_stats(args.top)
    if args.cumulative:
        stats.sort_stats("cumulative").print_stats(args.top)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--cumulative", action="store_true", help="also print the top by cumulative time")
    parser.add_argument("--only", type=lambda v: set(v.split(",")), default=None)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
