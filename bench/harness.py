"""What the benchmark scripts share: free ports, server processes, and wrk runs read into numbers.

The scripts run as ``python bench/<name>.py``, so this module is imported by its plain name.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import redis.asyncio as redis
from batchivo_common.auth.tokens import SigningKey
from batchivo_common.db.bootstrap import bootstrap_service, drop_service_roles
from batchivo_common.db.roles import ServiceRoles

ROOT = Path(__file__).resolve().parent.parent
#: How the scripts start a service: one uvicorn worker per app factory, quiet, on loopback.
UVICORN = [sys.executable, "-m", "uvicorn", "--factory", "--no-access-log", "--log-level", "warning"]
UVICORN += ["--host", "127.0.0.1"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- wrk ---------------------------------------------------------------------------------------------------


@dataclass
class WrkStats:
    """What wrk (a C load generator: little CPU of its own on a 2-core box) reports for one run."""

    rps: float
    p50: float
    p99: float
    requests: int
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def wrk(url: str, token: str, concurrency: int, seconds: float, script: Path | None = None) -> WrkStats:
    threads = min(2, concurrency)
    # A 10 s timeout: a slow answer is measured rather than dropped (wrk's default is 2 s).
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    command += ["-H", f"Authorization: Bearer {token}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    total = re.search(r"^\s+(\d+) requests in", out, re.M)
    if not (p50 and p99 and rps and total):
        raise RuntimeError(f"cannot read wrk output:\n{out}")
    errors = 0
    if non2xx := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(non2xx.group(1))
    if sockets := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(n) for n in sockets.groups())
    return WrkStats(float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), int(total.group(1)), errors)


def median_stats(runs: list[WrkStats]) -> WrkStats:
    return WrkStats(
        statistics.median(s.rps for s in runs),
        statistics.median(s.p50 for s in runs),
        statistics.median(s.p99 for s in runs),
        sum(s.requests for s in runs),
        sum(s.errors for s in runs),
    )


# --- processes ---------------------------------------------------------------------------------------------


def _workers(part: str) -> list[str]:
    """``BENCH_INVENTORY_WORKERS`` / ``BENCH_GATEWAY_WORKERS``: uvicorn worker processes of that part
    (default one), to measure how many fit the box."""
    count = int(os.environ.get(f"BENCH_{part}_WORKERS", "1"))
    return ["--workers", str(count)] if count > 1 else []


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(900):  # up to ~90 s: a full stack starts ten processes at once on two cores
            if proc.poll() is not None:
                raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never became ready:\n{log.read_text()[-3000:]}")


def migrate(ini: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", ini, "upgrade", "head"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"alembic -c {ini} upgrade head failed:\n{done.stdout}\n{done.stderr}")


# --- the whole stack ---------------------------------------------------------------------------------------


@dataclass
class Stack:
    """auth + inventory + gateway started by ``stack()``; ``db`` is a superuser connection (RLS off)."""

    gateway: str
    auth: str
    inventory: str
    db: asyncpg.Connection
    run_id: str
    #: The catalog service's URL when ``stack(..., catalog=True)`` started it.
    catalog: str | None = None
    #: The production service's URL when ``stack(..., production=True)`` started it (with the workers).
    production: str | None = None
    #: The environment the services were started with (DSNs, prefixes), e.g. to build an app in process.
    env: dict[str, str] | None = None
    #: The catalog server's process id (for its CPU time), when started.
    catalog_pid: int | None = None


@contextlib.asynccontextmanager
async def stack(
    name: str,
    env_overrides: dict[str, str] | None = None,
    *,
    catalog: bool = False,
    production: bool = False,
) -> AsyncIterator[Stack]:
    """Starts auth, inventory (and the catalog with ``catalog=True``) and the gateway (uvicorn, one worker
    each) on loopback against a throwaway database, role suffix, Redis prefix and AMQP prefix, all removed
    at the end, however the run ends. ``production=True`` adds the production API and the inventory,
    catalog and production workers (relays and consumers on the real broker; it implies the catalog)."""
    catalog = catalog or production
    pg = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
    run_id = secrets.token_hex(4)
    database, suffix, redis_prefix = f"batchivo_bench_{run_id}", f"_b{run_id}", f"batchivo-bench:{run_id}:"
    auth_roles, inventory_roles = ServiceRoles("auth", suffix), ServiceRoles("inventory", suffix)
    catalog_roles = ServiceRoles("catalog", suffix)
    production_roles = ServiceRoles("production", suffix)
    admin = await asyncpg.connect(f"postgresql://{pg}/postgres")
    workdir = ROOT / "bench" / "results"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        await admin.execute(f'CREATE DATABASE "{database}"')
        conn = await asyncpg.connect(f"postgresql://{pg}/{database}")
        try:
            await bootstrap_service(conn, auth_roles)
            await bootstrap_service(conn, inventory_roles)
            if catalog:
                await bootstrap_service(conn, catalog_roles)
            if production:
                await bootstrap_service(conn, production_roles)
        finally:
            await conn.close()
        host = pg.split("@", 1)[1]
        auth_port, inventory_port, gateway_port = free_port(), free_port(), free_port()
        catalog_port, production_port = free_port(), free_port()

        def dsn(role: str) -> str:
            return f"postgresql+asyncpg://{role}@{host}/{database}"

        env = {
            **os.environ,
            "BATCHIVO_ENV": "dev",
            "BATCHIVO_DB_ROLE_SUFFIX": suffix,
            "BATCHIVO_REDIS_PREFIX": redis_prefix,
            "BATCHIVO_AMQP_PREFIX": f"bench{run_id}.",
            "BATCHIVO_LOG_LEVEL": "WARNING",
            "BATCHIVO_JWKS_URL": f"http://127.0.0.1:{auth_port}/.well-known/jwks.json",
            "AUTH_DATABASE_URL": dsn(auth_roles.app),
            "AUTH_OWNER_DATABASE_URL": dsn(auth_roles.owner),
            "AUTH_RELAY_DATABASE_URL": dsn(auth_roles.relay),
            "AUTH_SIGNING_KEY": SigningKey.generate().to_pem().decode(),
            "INVENTORY_DATABASE_URL": dsn(inventory_roles.app),
            "INVENTORY_OWNER_DATABASE_URL": dsn(inventory_roles.owner),
            "INVENTORY_RELAY_DATABASE_URL": dsn(inventory_roles.relay),
            "CATALOG_DATABASE_URL": dsn(catalog_roles.app),
            "CATALOG_OWNER_DATABASE_URL": dsn(catalog_roles.owner),
            "CATALOG_RELAY_DATABASE_URL": dsn(catalog_roles.relay),
            "PRODUCTION_DATABASE_URL": dsn(production_roles.app),
            "PRODUCTION_OWNER_DATABASE_URL": dsn(production_roles.owner),
            "PRODUCTION_RELAY_DATABASE_URL": dsn(production_roles.relay),
            "GATEWAY_AUTH_URL": f"http://127.0.0.1:{auth_port}",
            "GATEWAY_INVENTORY_URL": f"http://127.0.0.1:{inventory_port}",
            **({"GATEWAY_CATALOG_URL": f"http://127.0.0.1:{catalog_port}"} if catalog else {}),
            **({"GATEWAY_PRODUCTION_URL": f"http://127.0.0.1:{production_port}"} if production else {}),
            "GATEWAY_LOGIN_RATE_PER_MINUTE": "1000000",
            "GATEWAY_API_RATE_PER_MINUTE": "100000000",
            "GATEWAY_METRICS_PORT": "0",  # the internal /metrics listener on any free port
            **(env_overrides or {}),
        }
        migrate("services/auth/alembic.ini", env)
        migrate("services/inventory/alembic.ini", env)
        if catalog:
            migrate("services/catalog/alembic.ini", env)
        if production:
            migrate("services/production/alembic.ini", env)

        parts = ("auth", "inventory", "catalog", "production", "gateway")
        parts += tuple(f"{svc}-worker" for svc in ("inventory", "catalog", "production"))
        logs = {part: workdir / f"{name}-{part}.log" for part in parts}
        with contextlib.ExitStack() as optional:
            started: list[tuple[str, subprocess.Popen[bytes], str]] = []
            if production:
                started.append(
                    (
                        f"http://127.0.0.1:{production_port}/readyz",
                        optional.enter_context(
                            process(
                                [
                                    *UVICORN,
                                    "--port",
                                    str(production_port),
                                    "batchivo_production.main:create_app",
                                ],
                                env,
                                logs["production"],
                            )
                        ),
                        "production",
                    )
                )
                for svc in ("inventory", "catalog", "production"):
                    port = free_port()
                    factory = f"batchivo_{svc}.worker:create_worker_app"
                    part = f"{svc}-worker"
                    proc = optional.enter_context(
                        process([*UVICORN, "--port", str(port), factory], env, logs[part])
                    )
                    started.append((f"http://127.0.0.1:{port}/readyz", proc, part))
            catalog_proc = (
                optional.enter_context(
                    process(
                        [*UVICORN, "--port", str(catalog_port), "batchivo_catalog.main:create_app"],
                        env,
                        logs["catalog"],
                    )
                )
                if catalog
                else None
            )
            async with _core(env, logs, auth_port, inventory_port, gateway_port, pg, database) as db:
                if catalog_proc is not None:
                    await wait_ready(f"http://127.0.0.1:{catalog_port}/readyz", catalog_proc, logs["catalog"])
                for url, proc, part in started:
                    await wait_ready(url, proc, logs[part])
                yield Stack(
                    f"http://127.0.0.1:{gateway_port}",
                    f"http://127.0.0.1:{auth_port}",
                    f"http://127.0.0.1:{inventory_port}",
                    db,
                    run_id,
                    f"http://127.0.0.1:{catalog_port}" if catalog else None,
                    f"http://127.0.0.1:{production_port}" if production else None,
                    env,
                    None if catalog_proc is None else catalog_proc.pid,
                )
    finally:
        if production:
            with contextlib.suppress(Exception):
                await _delete_queues(f"bench{run_id}.")
        with contextlib.suppress(Exception):
            client = redis.from_url(os.environ.get("BATCHIVO_REDIS_URL", "redis://127.0.0.1:6379/0"))
            async for key in client.scan_iter(match=f"{redis_prefix}*"):
                await client.delete(key)
            await client.aclose()
        if os.environ.get("BENCH_KEEP_DATABASE"):
            # For looking at plans afterwards (EXPLAIN as the app role); drop it by hand when done.
            print(f"kept database {database} (roles with suffix {suffix})", file=sys.stderr)
        else:
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            if production:
                await drop_service_roles(admin, production_roles)
            if catalog:
                await drop_service_roles(admin, catalog_roles)
            await drop_service_roles(admin, inventory_roles)
            await drop_service_roles(admin, auth_roles)
        await admin.close()


async def _delete_queues(prefix: str) -> None:
    """The queues and exchanges the workers declared under the bench's AMQP prefix."""
    from batchivo_catalog.events.subscriptions import SUBSCRIPTIONS as CATALOG
    from batchivo_common.messaging.topology import delete_all
    from batchivo_inventory.events.subscriptions import SUBSCRIPTIONS as INVENTORY
    from batchivo_production.events.subscriptions import SUBSCRIPTIONS as PRODUCTION

    amqp_url = os.environ.get("BATCHIVO_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    await delete_all(amqp_url, prefix, [*INVENTORY, *CATALOG, *PRODUCTION])


@contextlib.asynccontextmanager
async def _core(
    env: dict[str, str],
    logs: dict[str, Path],
    auth_port: int,
    inventory_port: int,
    gateway_port: int,
    pg: str,
    database: str,
) -> AsyncIterator[asyncpg.Connection]:
    """auth, inventory and the gateway, ready; yields a superuser connection to the bench database."""
    with (
        process(
            [*UVICORN, "--port", str(auth_port), "batchivo_auth.main:create_app"], env, logs["auth"]
        ) as auth,
        process(
            [
                *UVICORN,
                *_workers("INVENTORY"),
                "--port",
                str(inventory_port),
                "batchivo_inventory.main:create_app",
            ],
            env,
            logs["inventory"],
        ) as inventory,
        process(
            # As deployed (compose, the chart): the gateway reads forwarded headers itself (forwarded.py).
            [
                *UVICORN,
                *_workers("GATEWAY"),
                "--no-proxy-headers",
                "--port",
                str(gateway_port),
                "batchivo_gateway.main:create_app",
            ],
            env,
            logs["gateway"],
        ) as gateway,
    ):
        await wait_ready(f"http://127.0.0.1:{auth_port}/readyz", auth, logs["auth"])
        await wait_ready(f"http://127.0.0.1:{inventory_port}/readyz", inventory, logs["inventory"])
        await wait_ready(f"http://127.0.0.1:{gateway_port}/readyz", gateway, logs["gateway"])
        db = await asyncpg.connect(f"postgresql://{pg}/{database}")
        try:
            yield db
        finally:
            await db.close()
