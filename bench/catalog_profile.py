"""Where a catalog list page spends its time: the catalog app built in this process against the same
seeded tenant as ``catalog_api.py``, ``--requests`` list requests through an in-process ASGI client under
cProfile (and the SQL statement count and time per request).

``uv run python bench/catalog_profile.py [--products 5000] [--requests 100] [--path /api/v1/models?limit=50]``
prints the top functions by cumulative and by own time. Not a timing goal: use it to find the hot path.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import time
from typing import Any

import httpx
from batchivo_catalog.main import create_app
from batchivo_catalog.settings import CatalogSettings
from catalog_api import seed
from harness import stack
from sqlalchemy import event


async def run(args: argparse.Namespace) -> None:
    async with (
        stack("catalog_profile", catalog=True) as running,
        httpx.AsyncClient(base_url=running.gateway, timeout=30) as gateway,
    ):
        token = await seed(running, gateway, args.products)
        assert running.env is not None
        os.environ.update(running.env)
        app = create_app(CatalogSettings(), configure_process=False)
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://catalog") as client,
        ):
            statements: list[float] = []
            texts: list[str] = []
            started: dict[int, float] = {}

            def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
                started[id(cursor)] = time.perf_counter()

            def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
                statements.append(time.perf_counter() - started.pop(id(cursor), time.perf_counter()))
                texts.append(f"{statements[-1] * 1000:6.2f} ms  {' '.join(statement.split())[:150]}")

            engine = app.state.engine.sync_engine
            for _ in range(10):  # warm up: JWKS, statement cache, pool
                (await client.get(args.path, headers=headers)).raise_for_status()
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            (await client.get(args.path, headers=headers)).raise_for_status()
            print("statements of one request (client-side time):", *texts, sep="\n  ")
            statements.clear()
            profile = cProfile.Profile()
            t0 = time.perf_counter()
            profile.enable()
            for _ in range(args.requests):
                (await client.get(args.path, headers=headers)).raise_for_status()
            profile.disable()
            batches = []
            for _ in range(3):  # the least of three batches: the host's other load only ever adds
                t1, c1 = time.perf_counter(), time.process_time()
                for _ in range(args.requests):
                    (await client.get(args.path, headers=headers)).raise_for_status()
                batches.append(
                    (
                        (time.perf_counter() - t1) / args.requests * 1000,
                        (time.process_time() - c1) / args.requests * 1000,
                    )
                )
            plain, cpu = min(b[0] for b in batches), min(b[1] for b in batches)
            wall = (t1 - t0) / args.requests * 1000
            print(
                f"{args.path}: {plain:.2f} ms per request in process,"
                f" {cpu:.2f} ms CPU (client included; least of 3 batches),"
                f" {wall:.2f} ms under cProfile,"
                f" {len(statements) / args.requests / 4:.1f} statements per request,"
                f" {sum(statements) / args.requests / 4 * 1000:.2f} ms in them (client side)"
            )
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--path", default="/api/v1/products?limit=50")
    parser.add_argument("--top", type=int, default=40)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
