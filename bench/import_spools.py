"""A spools CSV import through the gateway: ``--rows`` rows (default 5,000) of 24 filament types, a dry run,
the real import, and the same file again (which must create nothing), each timed from the request to the
report; then the spools export of the same tenant, timed to its last byte. The ledger is checked in SQL.

``uv run python bench/import_spools.py [--rows 5000] [--rounds 3]`` (PostgreSQL superuser in ``BENCH_PG``
and Redis as for the other scripts; see bench/README.md). A measurement to read, never a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
from harness import stack

COLOURS = ("Galaxy Black", "Jet Black", "Signal Red", "Ocean Blue", "Lime Green", "Arctic White")


def spools_csv(rows: int, tag: str) -> bytes:
    lines = ["external_id,material,brand,color_name,initial_weight,current_weight,location,purchase_price"]
    for i in range(1, rows + 1):
        brand = ("Prusament", "Polymaker")[(i // 6) % 2]
        material = ("PLA", "PETG")[(i // 12) % 2]
        weights = f"1000,{200 + i % 800}"
        lines.append(
            f"{tag}-{i},{material},{brand},{COLOURS[i % 6]},{weights},Shelf {i % 10},{19 + i % 7}.00"
        )
    return ("\n".join(lines) + "\n").encode()


async def timed(client: httpx.AsyncClient, token: str, data: bytes, *, dry_run: bool) -> tuple[float, dict]:  # type: ignore[type-arg]
    started = time.perf_counter()
    response = await client.post(
        "/api/v1/inventory/import/spools",
        params={"dry_run": str(dry_run).lower()},
        files={"file": ("spools.csv", data, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()


async def run(args: argparse.Namespace) -> None:
    async with (
        stack("import_spools") as running,
        httpx.AsyncClient(base_url=running.gateway, timeout=120) as client,
    ):
        results: dict[str, list[float]] = {"dry run": [], "import": [], "again": [], "export": []}
        for round_ in range(args.rounds):
            response = await client.post(
                "/api/v1/auth/register",
                json={
                    "email": f"bench-import-{running.run_id}-{round_}@example.com",
                    "password": "correct horse battery",
                    "full_name": "Bench",
                    "tenant_name": f"Import Shop {round_}",
                },
            )
            response.raise_for_status()
            token = response.json()["access_token"]
            data = spools_csv(args.rows, f"r{round_}")
            seconds, report = await timed(client, token, data, dry_run=True)
            assert report["created"] == args.rows, report
            assert report["failed"] == 0, report
            results["dry run"].append(seconds)
            seconds, report = await timed(client, token, data, dry_run=False)
            assert report["applied"], report
            assert report["created"] == args.rows, report
            results["import"].append(seconds)
            seconds, report = await timed(client, token, data, dry_run=False)
            assert report["created"] == 0, report
            assert report["unchanged"] == args.rows, report
            results["again"].append(seconds)
            started = time.perf_counter()
            export = await client.get(
                "/api/v1/inventory/export/spools.csv", headers={"Authorization": f"Bearer {token}"}
            )
            export.raise_for_status()
            results["export"].append(time.perf_counter() - started)
            assert export.text.count("\n") == args.rows + 1
        wrong = await running.db.fetchval(
            "select count(*) from inventory.spools s left join inventory.inventory_transactions t"
            " on t.spool_id = s.id group by s.id having s.current_weight <> coalesce(sum(t.delta), 0) limit 1"
        )
        assert not wrong, "a spool disagrees with its ledger"
        print(f"{args.rows} rows, {args.rounds} round(s), each a new tenant, through the gateway:")
        for name, values in results.items():
            each = ", ".join(f"{v:.2f}" for v in values)
            print(f"  {name:8} median {statistics.median(values):6.2f} s  (all: {each})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
