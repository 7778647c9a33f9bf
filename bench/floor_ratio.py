"""The platform against the physical floor: the four hot inventory requests, side by side, in one run.

Starts auth, inventory and the gateway (``harness.stack``) and, beside them, the floor of
``../shared/bench/floor_app.py`` (a bare Starlette + asyncpg + orjson process on its own throwaway database
loaded from ``floor_schema.sql``). One tenant gets ``--spools`` spools (four filament types of four
materials; the first spool through the API, the rest copied in SQL with their ledger rows). Then, for each
request and each concurrency, wrk alternates floor and platform round by round, so drift on a shared box
hits both alike:

- ``GET /spools/{id}``                    vs floor ``GET /one/{id}`` (cycling over up to 1,000 ids)
- ``GET /spools?material=PLA&limit=50``   vs floor ``GET /list?material=PLA``
- ``POST /spools/{id}/use``               vs floor ``POST /use/{id}``
- ``POST /spools``                        vs floor ``POST /create``

and prints req/s, p50 and p99 of both with the ratios (platform ÷ floor req/s; floor p50 ÷ platform p50)
beside the goals of issue 14. The platform runs with everything on: a real JWT through the gateway, the rate
limit, RLS, the ledger and the outbox. When the floor's files are absent it says so and exits 0 having
measured nothing. Everything it creates is removed at the end.

``uv run python bench/floor_ratio.py``; quick check: ``... --seconds 2 --rounds 1 --spools 200``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import profiles
from harness import ROOT, UVICORN, WrkStats, free_port, process, stack, wait_ready, wrk
from inventory_api import SCHEMA, Bench, Tenant, check, claims, lua_get_cycle, lua_post

FLOOR_DIR = Path(os.environ.get("BENCH_FLOOR_DIR", ROOT.parent / "shared" / "bench"))
FLOOR_TENANT = "11111111-1111-1111-1111-111111111111"
MATERIALS = ("PLA", "PETG", "ABS", "TPU")
#: Issue 14's goals at concurrency 32: platform req/s as a share of the floor's.
GOALS = {"get": 0.15, "list": 0.20, "use": 0.10, "create": 0.08}
LABELS = {
    "get": "GET /spools/{id}",
    "list": "GET /spools?material=…&limit=50",
    "use": "POST /spools/{id}/use",
    "create": "POST /spools",
}


@dataclass
class Target:
    """One side of a comparison: a URL, its bearer token and the wrk script that shapes the request."""

    url: str
    token: str
    script: Path | None = None

    def run(self, concurrency: int, seconds: float) -> WrkStats:
        return wrk(self.url, self.token, concurrency, seconds, self.script)

    def measure(self, concurrency: int, seconds: float, procs: dict[str, list[int]]) -> Measured:
        """A wrk run and the CPU milliseconds each group of processes spent per request during it."""
        before = {name: profiles.cpu_by_pid(pids) for name, pids in procs.items()}
        stats = self.run(concurrency, seconds)
        after = {name: profiles.cpu_by_pid(pids) for name, pids in procs.items()}
        spent = {
            name: sum(after[name][pid] - before[name][pid] for pid in after[name] if pid in before[name])
            for name in procs
        }
        return Measured(stats, {name: 1000 * s / max(stats.requests, 1) for name, s in spent.items()})


@dataclass
class Measured:
    stats: WrkStats
    #: Process group → CPU ms per request.
    cpu_ms: dict[str, float]


async def seed_platform(bench: Bench, tenant: Tenant, spools: int) -> None:
    """Four filament types of four materials through the API, then ``spools`` spools spread over them."""
    response = await bench.client.get(
        "/api/v1/material-types", params={"limit": 200}, headers=bench.headers(tenant)
    )
    check(response, 200)
    body = response.json()
    materials = {
        str(m["code"]).upper(): str(m["id"]) for m in (body["items"] if isinstance(body, dict) else body)
    }
    for n, code in enumerate(MATERIALS):
        response = await bench.client.post(
            "/api/v1/filament-types",
            json={
                "material_type_id": materials[code],
                "brand": "Bench",
                "color_name": f"Colour {n}",
                "color_hex": f"#{n * 40:02x}{n * 50:02x}{n * 60:02x}",
                "min_stock_grams": 0,
            },
            headers=bench.headers(tenant),
        )
        check(response, 201)
        tenant.filament_type_ids.append(str(response.json()["id"]))
    first = await bench.create_spool(tenant)
    await bench.create_locations(tenant)
    await bench.copy_spool(tenant, uuid.UUID(first["id"]), str(first["code"]))
    await bench.db.execute(f"VACUUM (ANALYZE) {SCHEMA}.spools, {SCHEMA}.inventory_transactions")
    count = await bench.db.fetchval(f"select count(*) from {SCHEMA}.spools where tenant_id = $1", tenant.id)
    print(f"platform: {count:,} spools in one tenant over {len(MATERIALS)} materials")


async def floor_database(admin: asyncpg.Connection, name: str, pg: str) -> str:
    await admin.execute(f'CREATE DATABASE "{name}"')
    conn = await asyncpg.connect(f"postgresql://{pg}/{name}")
    try:
        await conn.execute((FLOOR_DIR / "floor_schema.sql").read_text())
        await conn.execute("VACUUM (ANALYZE) spools")
    finally:
        await conn.close()
    return f"postgresql://{pg}/{name}"


@contextlib.asynccontextmanager
async def floor_app(pg: str) -> AsyncIterator[tuple[int, str, int]]:
    """The floor on its own throwaway database: (port, DSN, pid); everything removed at the end."""
    admin = await asyncpg.connect(f"postgresql://{pg}/postgres")
    floor_db = f"batchivo_floor_{secrets.token_hex(4)}"
    try:
        dsn = await floor_database(admin, floor_db, pg)
        port = free_port()
        log = ROOT / "bench" / "results" / "floor_ratio-floor.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        floor_cmd = [*UVICORN[:2], "uvicorn", "--no-access-log", "--log-level", "warning"]
        floor_cmd += ["--host", "127.0.0.1", "--port", str(port)]
        floor_cmd += ["--app-dir", str(FLOOR_DIR), "floor_app:app"]
        with process(floor_cmd, {**os.environ, "FLOOR_DSN": dsn}, log) as floor_proc:
            await wait_ready(f"http://127.0.0.1:{port}/health", floor_proc, log)
            yield port, dsn, floor_proc.pid
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{floor_db}" WITH (FORCE)')
        await admin.close()


async def run(args: argparse.Namespace) -> int:
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    pg = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
    with tempfile.TemporaryDirectory(prefix="batchivo-floor-") as scratch_dir:
        async with floor_app(pg) as (port, dsn, floor_pid), stack("floor_ratio") as running:
            pids = {"floor": floor_pid}
            for name, url in (("gateway", running.gateway), ("inventory", running.inventory)):
                pid = profiles.pid_of_port(int(url.rsplit(":", 1)[1]))
                if pid is not None:
                    pids[name] = pid
            return await compare(
                args, running.gateway, running.db, running.run_id, port, dsn, Path(scratch_dir), pids
            )


async def compare(
    args: argparse.Namespace,
    gateway: str,
    db: asyncpg.Connection,
    run_id: str,
    port: int,
    dsn: str,
    scratch: Path,
    pids: dict[str, int],
) -> int:
    bench_args = argparse.Namespace(spools=args.spools, filament_types=len(MATERIALS), filter="location")
    bench = Bench(bench_args, gateway, db, scratch, run_id)
    floor = f"http://127.0.0.1:{port}"
    async with bench.client:
        tenant = await register_one(bench, args.spools)
        await seed_platform(bench, tenant, args.spools)
        ids = [
            str(r["id"])
            for r in await db.fetch(
                f"select id from {SCHEMA}.spools where tenant_id = $1 order by random() limit 1000", tenant.id
            )
        ]
        use_spool = await bench.create_spool(tenant, initial_weight=100_000)
        floor_conn = await asyncpg.connect(dsn)
        try:
            floor_ids = [
                str(r["id"])
                for r in await floor_conn.fetch("select id from spools order by random() limit 1000")
            ]
            floor_use = str(
                await floor_conn.fetchval(
                    "insert into spools (tenant_id, code, material, brand, color, initial_weight,"
                    " current_weight) values ($1, 'USE-1', 'PLA', 'Bench', 'Use', 100000, 100000)"
                    " returning id",
                    uuid.UUID(FLOOR_TENANT),
                )
            )
        finally:
            await floor_conn.close()
        # Check each platform request answers as expected once before timing it.
        check(await bench.client.get(f"/api/v1/spools/{ids[0]}", headers=bench.headers(tenant)), 200)
        listed = await bench.client.get("/api/v1/spools?material=PLA&limit=50", headers=bench.headers(tenant))
        check(listed, 200)
        if not listed.json()["items"]:
            raise RuntimeError("the material filter matched nothing")
        await bench.refresh(tenant)  # a fresh 15-minute access token for the timed part

        grams = 0.01
        pairs = {
            "get": (
                Target(floor + "/one/", "-", lua_get_cycle(scratch / "floor-get.lua", "/one/", floor_ids)),
                Target(
                    gateway + "/api/v1/spools/",
                    tenant.token,
                    lua_get_cycle(scratch / "get.lua", "/api/v1/spools/", ids),
                ),
            ),
            "list": (
                Target(floor + "/list?material=PLA", "-"),
                Target(gateway + "/api/v1/spools?material=PLA&limit=50", tenant.token),
            ),
            "use": (
                Target(
                    f"{floor}/use/{floor_use}", "-", lua_post(scratch / "floor-use.lua", {"grams": grams})
                ),
                Target(
                    f"{gateway}/api/v1/spools/{use_spool['id']}/use",
                    tenant.token,
                    lua_post(scratch / "use.lua", {"grams": grams, "reason": "bench"}),
                ),
            ),
            "create": (
                Target(
                    floor + "/create",
                    "-",
                    lua_post(
                        scratch / "floor-create.lua",
                        {
                            "material": "PLA",
                            "brand": "Bench",
                            "color": "New",
                            "location": "Shelf A",
                            "initial_weight": 1000,
                            "price": 20,
                        },
                    ),
                ),
                Target(
                    gateway + "/api/v1/spools",
                    tenant.token,
                    lua_post(
                        scratch / "create.lua",
                        {
                            "filament_type_id": tenant.filament_type_ids[0],
                            "initial_weight": 1000,
                            "purchase_price": 20,
                            "location": "Shelf A",
                        },
                    ),
                ),
            ),
        }
        print(f"\nwarming up, then {args.rounds} alternating rounds of {args.seconds} s per target")
        for floor_target, platform_target in pairs.values():
            floor_target.run(32, 1)
            platform_target.run(32, 1)
        # The pools are warm: these backends serve every timed request (no session opens during the runs).
        floor_procs = {"floor app": [pids["floor"]], "floor PG": await backends(db, dsn.rsplit("/", 1)[1])}
        platform_procs = {
            "gateway": profiles.with_children(pids["gateway"]),
            "inventory": profiles.with_children(pids["inventory"]),
            "platform PG": await backends(db, None),
        }
        load_before = os.getloadavg()[0]
        sessions_before = await database_sessions(db)
        results: dict[tuple[str, int], tuple[WrkStats, WrkStats]] = {}
        cpu: dict[int, dict[str, dict[str, float]]] = {32: {}, 1: {}}
        for concurrency in (32, 1):
            for name, (floor_target, platform_target) in pairs.items():
                if args.only and name not in args.only:
                    continue
                # The floor's pool closes connections idle for 5 minutes and opens others: count the
                # backends there are now.
                floor_procs["floor PG"] = await backends(db, dsn.rsplit("/", 1)[1])
                results[(name, concurrency)], by_group = alternate(
                    floor_target, platform_target, concurrency, args, floor_procs, platform_procs
                )
                cpu[concurrency][name] = by_group
        load_after = os.getloadavg()[0]
        opened = await database_sessions(db) - sessions_before
        print(f"\nPostgreSQL sessions opened on the platform's database during the timed runs: {opened}")
        if args.profile:
            # Separate runs, after the timed ones: sampling costs the sampled process a little.
            print("\nprofiles at concurrency 32 (share of each process's samples, innermost library wins)")
            out_dir = ROOT / "bench" / "results" / "profiles"
            for name, (floor_target, platform_target) in pairs.items():
                with profiles.recording(pids, out_dir, name, args.profile):
                    floor_target.run(32, max(1, args.profile // 2))
                    platform_target.run(32, max(1, args.profile // 2))
                profiles.print_summary(out_dir, name, list(pids))
        ok = await check_use_ledger(bench, str(use_spool["id"]))
    report(results, load_before, load_after)
    for concurrency, by_request in cpu.items():
        report_cpu(by_request, concurrency=concurrency)
    return 0 if ok else 1


def alternate(
    floor: Target,
    platform: Target,
    concurrency: int,
    args: argparse.Namespace,
    floor_procs: dict[str, list[int]],
    platform_procs: dict[str, list[int]],
) -> tuple[tuple[WrkStats, WrkStats], dict[str, float]]:
    """``args.rounds`` wrk runs of each target, alternating: the median stats of (floor, platform) and the
    median CPU ms per request of every process group of both."""
    floor_runs: list[Measured] = []
    platform_runs: list[Measured] = []
    for _ in range(args.rounds):
        floor_runs.append(floor.measure(concurrency, args.seconds, floor_procs))
        platform_runs.append(platform.measure(concurrency, args.seconds, platform_procs))
    stats = (median([m.stats for m in floor_runs]), median([m.stats for m in platform_runs]))
    cpu = {
        group: statistics.median(m.cpu_ms[group] for m in runs)
        for runs in (floor_runs, platform_runs)
        for group in runs[0].cpu_ms
    }
    return stats, cpu


async def backends(db: asyncpg.Connection, database: str | None) -> list[int]:
    """PostgreSQL backend pids connected to ``database`` (None: ``db``'s own), other than ``db`` itself."""
    rows = await db.fetch(
        "select pid from pg_stat_activity where datname = coalesce($1, current_database())"
        " and pid <> pg_backend_pid()",
        database,
    )
    return [int(r["pid"]) for r in rows]


def report_cpu(
    cpu: dict[str, dict[str, float]], labels: dict[str, str] = LABELS, *, concurrency: int = 32
) -> None:
    """CPU milliseconds per request at ``concurrency``, per process group (median of the rounds). Read beside
    the one at concurrency 1: what the c=32 figure adds is contention (lock waits that spin, hot rows whose
    versions pile up, a busier event loop), not work."""
    if not cpu:
        return
    groups = list(next(iter(cpu.values())))
    print(f"\nCPU ms per request at concurrency {concurrency} (user + system, /proc; median of the rounds)")
    print(f"{'request':34s} " + " ".join(f"{g:>11s}" for g in groups) + f" {'floor Σ':>8s} {'plat Σ':>8s}")
    for name, by_group in cpu.items():
        floor_sum = sum(v for g, v in by_group.items() if g.startswith("floor"))
        plat_sum = sum(v for g, v in by_group.items() if not g.startswith("floor"))
        cells = " ".join(f"{by_group[g]:11.3f}" for g in groups)
        print(f"{labels[name]:34s} {cells} {floor_sum:8.3f} {plat_sum:8.3f}")


async def register_one(bench: Bench, spools: int) -> Tenant:
    email = f"floor-{bench.run_id}@example.com"
    response = await bench.client.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": bench.password,
            "full_name": "Floor Bench",
            "tenant_name": "Floor Bench",
        },
    )
    check(response, 201, 200)
    body = response.json()
    return Tenant(
        "t",
        spools,
        email,
        body["access_token"],
        body["refresh_token"],
        uuid.UUID(claims(body["access_token"])["tid"]),
    )


async def check_use_ledger(bench: Bench, spool_id: str) -> bool:
    """The timed uses kept the ledger invariant: weight = initial + Σ deltas (wrk stops mid-flight, so the
    ledger, not wrk, says how many were booked)."""
    initial, current, booked, uses, used = await bench.ledger(spool_id)
    ok = current == booked == initial + used
    print(
        f"\nledger of the timed use spool: {uses:,} usage rows; weight {current} = initial {initial}"
        f" + usage {used} = booked {booked}: {'OK' if ok else 'FAIL'}"
    )
    return ok


async def database_sessions(db: asyncpg.Connection) -> int:
    """Sessions ever opened on the platform's database (``pg_stat_database.sessions``, PostgreSQL 14+): a
    pool that keeps its connections opens none during a steady run. Backends report their counters within
    a second, so wait that long and read a fresh snapshot."""
    await asyncio.sleep(1.5)
    await db.execute("select pg_stat_clear_snapshot()")
    value = await db.fetchval("select sessions from pg_stat_database where datname = current_database()")
    return int(value or 0)


def median(runs: list[WrkStats]) -> WrkStats:
    return WrkStats(
        statistics.median(r.rps for r in runs),
        statistics.median(r.p50 for r in runs),
        statistics.median(r.p99 for r in runs),
        sum(r.requests for r in runs),
        sum(r.errors for r in runs),
    )


def report(
    results: dict[tuple[str, int], tuple[WrkStats, WrkStats]], load_before: float, load_after: float
) -> None:
    print(
        f"\n{'request':34s} {'conc':>4s} {'floor r/s':>10s} {'platform r/s':>12s} {'ratio':>7s} {'goal':>6s}"
        f" {'floor p50':>9s} {'plat p50':>9s} {'plat p99':>9s} {'p50 ratio':>9s}  errors"
    )
    for (name, concurrency), (f, p) in results.items():
        ratio = p.rps / f.rps if f.rps else 0.0
        goal = GOALS[name] if concurrency == 32 else None
        verdict = "" if goal is None else f"{goal:6.0%}" + (" ok" if ratio >= goal else " MISSED")
        print(
            f"{LABELS[name]:34s} {concurrency:4d} {f.rps:10.0f} {p.rps:12.0f} {ratio:7.1%} {verdict:>6s}"
            f" {f.p50:9.2f} {p.p50:9.2f} {p.p99:9.2f} {f.p50 / p.p50 if p.p50 else 0:9.1%}"
            f"  {f.errors}/{p.errors}"
        )
    print(
        f"1-minute load average: {load_before:.2f} before timing, {load_after:.2f} after"
        f" ({os.cpu_count()} CPUs; wrk, the floor and the platform share them)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--spools", type=int, default=1_000, help="spools of the platform's tenant")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per target (median)")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="SECONDS",
        help="afterwards, sample floor, gateway and inventory with py-spy under each request for SECONDS",
    )
    parser.add_argument(
        "--only",
        type=lambda v: set(v.split(",")),
        default=None,
        help="comma-separated subset of get,list,use,create",
    )
    run_beside_floor(parser, run)


def run_beside_floor(
    parser: argparse.ArgumentParser, run: Callable[[argparse.Namespace], Awaitable[int]]
) -> None:
    """Parse the arguments and run ``run`` with them; skip with a message when the floor is absent."""
    args = parser.parse_args()
    if not (FLOOR_DIR / "floor_app.py").is_file():
        print(f"skipped: no floor at {FLOOR_DIR} (set BENCH_FLOOR_DIR to the folder of floor_app.py)")
        return
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")
    try:
        sys.exit(asyncio.run(run(args)))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted (everything the run created has been removed)", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
