"""Printers reporting their filament use through the Spoolman-compatible API (issue 16).

``--printers`` printers (50) each send ``PUT /compat/spoolman/<api-key>/api/v1/spool/<id>/use`` with a
``use_length`` every ``--every`` seconds (2) for ``--seconds`` (120), through the gateway with one API key
per printer (the documented set-up), each on its own spool, as Moonraker does. The whole stack runs with its
workers (the inventory relay publishes each usage's events), one uvicorn process per part.

It prints the latency of ``use`` (p50, p99, max), how many reports went out late (a printer sends its next
report only after the previous answer, like Moonraker; a report is late when it leaves more than one
interval after its slot), the errors, and the backlog: outbox rows not yet published when the run ends
and their peak during it. Then it checks every spool's weight and ledger against the reports that were
answered 200: nothing lost, nothing doubled (the reports of a key coalesce into one usage row per window).

    uv run python bench/spoolman_printers.py                 # 50 printers, every 2 s, 2 minutes
    uv run python bench/spoolman_printers.py --seconds 20    # a quick check
"""

from __future__ import annotations

import argparse
import asyncio
import math
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from harness import stack

#: mm of filament per report: ~1 g of 1.75 mm PLA every 2 s, a fast print.
USE_LENGTH_MM = 330.0
DIAMETER_MM = 1.75
DENSITY = 1.24
#: The inventory's coalescing window (INVENTORY_SPOOLMAN_COALESCE_SECONDS, default): a key's reports on a
#: spool make one usage row per window.
COALESCE_SECONDS = 300


def grams_of(length_mm: float) -> Decimal:
    """Grams booked for one report: pi·(d/2)²·length·density (mm³ → cm³), to 0.01 g as inventory rounds."""
    grams = math.pi * (DIAMETER_MM / 2) ** 2 * length_mm * DENSITY / 1000
    return Decimal(str(grams)).quantize(Decimal("0.01"))


@dataclass
class Printer:
    key: str
    spool_id: int
    latencies_ms: list[float] = field(default_factory=list)
    answered: int = 0
    late: int = 0
    errors: dict[int, int] = field(default_factory=dict)


async def ok(response: httpx.Response, *expected: int) -> Any:
    if response.status_code not in expected:
        raise SystemExit(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return response.json()


async def setup(client: httpx.AsyncClient, printers: int) -> list[Printer]:
    run = secrets.token_hex(4)
    owner = await ok(
        await client.post(
            "/api/v1/auth/register",
            json={
                "email": f"farm-{run}@example.com",
                "password": secrets.token_urlsafe(12),
                "full_name": "Farm Bench",
                "tenant_name": "Farm Bench",
            },
        ),
        200,
        201,
    )
    headers = {"Authorization": f"Bearer {owner['access_token']}"}
    materials = await ok(await client.get("/api/v1/material-types?limit=100", headers=headers), 200)
    pla = next(m for m in materials["items"] if m["code"] == "PLA")
    filament = await ok(
        await client.post(
            "/api/v1/filament-types",
            json={
                "material_type_id": pla["id"],
                "brand": "Bench",
                "color_name": "Galaxy Black",
                "diameter_mm": DIAMETER_MM,
                "density": DENSITY,
            },
            headers=headers,
        ),
        201,
    )
    result: list[Printer] = []
    for n in range(printers):
        await ok(
            await client.post(
                "/api/v1/spools",
                json={"filament_type_id": filament["id"], "initial_weight": 1000},
                headers=headers,
            ),
            201,
        )
        key = await ok(
            await client.post(
                "/api/v1/api-keys",
                json={"name": f"printer {n + 1}", "role": "member", "scopes": ["read", "inventory:write"]},
                headers=headers,
            ),
            201,
        )
        result.append(Printer(key["key"], 0))
    spools = await ok(await client.get(f"/compat/spoolman/{result[0].key}/api/v1/spool?limit=1000"), 200)
    ids = sorted(s["id"] for s in spools)
    assert len(ids) == printers, ids
    for printer, spool_id in zip(result, ids, strict=True):
        printer.spool_id = spool_id
    return result


async def report(
    client: httpx.AsyncClient, printer: Printer, every: float, until: float, offset: float
) -> None:
    """Moonraker's loop: a report per interval, the next only after the previous answer."""
    await asyncio.sleep(offset)  # the printers do not start in the same millisecond
    slot = time.monotonic()
    url = f"/compat/spoolman/{printer.key}/api/v1/spool/{printer.spool_id}/use"
    while slot < until:
        now = time.monotonic()
        if now - slot > every:
            printer.late += 1
        started = time.perf_counter()
        response = await client.put(url, json={"use_length": USE_LENGTH_MM})
        printer.latencies_ms.append((time.perf_counter() - started) * 1000)
        if response.status_code == 200:
            printer.answered += 1
        else:
            printer.errors[response.status_code] = printer.errors.get(response.status_code, 0) + 1
        slot += every
        await asyncio.sleep(max(0.0, slot - time.monotonic()))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def backlog(db: Any) -> int:
    return int(await db.fetchval("select count(*) from inventory.outbox where published_at is null"))


async def run(args: argparse.Namespace) -> int:
    async with stack("spoolman-printers", production=True) as s:
        limits = httpx.Limits(max_connections=args.printers + 8, max_keepalive_connections=args.printers + 8)
        async with httpx.AsyncClient(base_url=s.gateway, limits=limits, timeout=30) as client:
            printers = await setup(client, args.printers)
            print(
                f"{len(printers)} printers, one API key and one spool each; reporting every {args.every} s "
                f"for {args.seconds} s"
            )
            peak = 0
            done = asyncio.Event()

            async def watch() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, await backlog(s.db))
                    await asyncio.sleep(0.5)

            watcher = asyncio.create_task(watch())
            until = time.monotonic() + args.seconds
            await asyncio.gather(
                *(
                    report(client, p, args.every, until, args.every * i / len(printers))
                    for i, p in enumerate(printers)
                )
            )
            done.set()
            await watcher
            left = await backlog(s.db)
            await asyncio.sleep(2)
            left_after = await backlog(s.db)

            latencies = [ms for p in printers for ms in p.latencies_ms]
            answered = sum(p.answered for p in printers)
            errors: dict[int, int] = {}
            for p in printers:
                for code, count in p.errors.items():
                    errors[code] = errors.get(code, 0) + count
            print(
                f"reports {len(latencies)}, answered 200 {answered}, errors {errors or 'none'}, "
                f"late {sum(p.late for p in printers)}"
            )
            print(
                f"use latency ms: p50 {statistics.median(latencies):.1f}  p99 {pct(latencies, 99):.1f}  "
                f"max {max(latencies):.1f}"
            )
            print(
                f"outbox backlog: peak {peak} rows during the run, {left} at its end, {left_after} 2 s later"
            )

            # Nothing lost or doubled: each spool lost its answered reports' grams, and its usage rows (the
            # key's reports coalesce into one row per window, services/inventory/README.md) sum to them.
            bad = 0
            most_rows = math.ceil(args.seconds / COALESCE_SECONDS) + 1
            for p in printers:
                spool = await ok(await client.get(f"/compat/spoolman/{p.key}/api/v1/spool/{p.spool_id}"), 200)
                used = grams_of(USE_LENGTH_MM) * p.answered
                expected = Decimal(1000) - used
                rows, booked = await s.db.fetchrow(
                    "select count(*), coalesce(-sum(t.delta), 0) from inventory.inventory_transactions t"
                    " join inventory.spools s on s.id = t.spool_id"
                    " where s.code_number = $1 and t.kind = 'usage' and t.api_key_id is not null",
                    p.spool_id,
                )
                if (
                    abs(Decimal(str(spool["remaining_weight"])) - expected) > Decimal("0.01")
                    or booked != used
                    or not 1 <= rows <= most_rows
                ):
                    bad += 1
                    print(
                        f"  spool {p.spool_id}: {spool['remaining_weight']} g left, expected {expected};"
                        f" {rows} usage rows booking {booked} g for {p.answered} answered reports ({used} g)",
                        file=sys.stderr,
                    )
            print(
                "ledger check: every spool matches its answered reports"
                if bad == 0
                else f"ledger check: {bad} spools off"
            )
            return 0 if bad == 0 and not errors else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--printers", type=int, default=50)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between a printer's reports")
    parser.add_argument("--seconds", type=float, default=120.0)
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
