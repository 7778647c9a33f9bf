"""A database that cannot serve a request answers a quick 503 UNAVAILABLE with Retry-After, never a 500
or a long wait (docs/adr/0007-database-timeouts.md). Against the real PostgreSQL, over real sockets.

Each case builds a small app with create_service_app and the shared engine, as every service does; the
client's own timeout (2 s) is the "quickly": a server still waiting on the database fails the request.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest
from batchivo_common.app import create_service_app
from batchivo_common.db.bootstrap import bootstrap_service
from batchivo_common.db.engine import create_engine
from batchivo_common.db.errors import RETRY_AFTER_SECONDS
from batchivo_common.db.roles import ROLE_SETTINGS
from batchivo_common.settings import CommonSettings
from batchivo_common.testing.asgi_server import free_port, serve
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra, create_service_schema
from fastapi import FastAPI
from sqlalchemy import text

pytestmark = pytest.mark.db

QUICK = 2.0


@pytest.fixture(scope="module")
async def dbt(batchivo_infra: TestInfra) -> ServiceDatabase:
    return await create_service_schema(batchivo_infra, "dbtimeout")


def plain(url: str) -> str:
    return url.replace("+asyncpg", "")


def build_app(dsn: str, name: str, **engine_options: Any) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(dsn, application_name=name, **engine_options)
        app.state.engine = engine
        try:
            yield
        finally:
            await engine.dispose()

    app = create_service_app(
        CommonSettings(environment="test"),
        service="dbtest",
        title="dbtest",
        lifespan=lifespan,
        configure_process=False,
    )

    @app.get("/one")
    async def one() -> dict[str, int]:
        async with app.state.engine.connect() as conn:
            return {"one": (await conn.execute(text("select 1"))).scalar_one()}

    @app.get("/sleep")
    async def sleep(seconds: float, timeout_ms: int | None = None) -> dict[str, str]:
        async with app.state.engine.begin() as conn:
            if timeout_ms is not None:
                await conn.execute(text(f"set local statement_timeout = {int(timeout_ms)}"))
            await conn.execute(text("select pg_sleep(:s)"), {"s": seconds})
        return {"slept": "yes"}

    @app.get("/when")
    async def when(at: datetime) -> dict[str, str]:
        async with app.state.engine.connect() as conn:
            stored = (await conn.execute(text("select cast(:at as timestamptz)"), {"at": at})).scalar_one()
        return {"at": stored.isoformat()}

    @app.get("/lock")
    async def lock() -> dict[str, str]:
        async with app.state.engine.begin() as conn:
            await conn.execute(text("select pg_advisory_xact_lock(4242)"))
        return {"locked": "yes"}

    return app


@contextlib.contextmanager
def served(dsn: str, name: str, **engine_options: Any) -> Iterator[str]:
    with serve(build_app(dsn, name, **engine_options)) as url:
        yield url


def assert_unavailable(response: httpx.Response) -> None:
    assert_error(response, 503, "UNAVAILABLE")
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)


async def test_every_role_starts_with_its_timeouts(dbt: ServiceDatabase) -> None:
    for kind, role_url in (("app", dbt.app_url), ("relay", dbt.relay_url), ("owner", dbt.owner_url)):
        conn = await asyncpg.connect(plain(role_url))
        try:
            for name, value in ROLE_SETTINGS[kind].items():
                shown = await conn.fetchval(f"show {name}")
                assert shown == value, (kind, name, shown)
        finally:
            await conn.close()


async def test_bootstrap_sets_the_timeouts_again_on_existing_roles(dbt: ServiceDatabase) -> None:
    admin = await asyncpg.connect(dbt.admin_url)
    try:
        await admin.execute(f"ALTER ROLE {dbt.roles.app} SET statement_timeout = '1h'")
        await bootstrap_service(admin, dbt.roles)
    finally:
        await admin.close()
    conn = await asyncpg.connect(plain(dbt.app_url))
    try:
        assert await conn.fetchval("show statement_timeout") == ROLE_SETTINGS["app"]["statement_timeout"]
    finally:
        await conn.close()


async def test_a_statement_past_its_timeout_is_a_503(dbt: ServiceDatabase) -> None:
    with served(dbt.app_url, "dbt-stmt") as url:
        async with httpx.AsyncClient(base_url=url, timeout=QUICK) as client:
            assert_unavailable(await client.get("/sleep", params={"seconds": 5, "timeout_ms": 100}))
            # The connection went back to the pool healthy.
            assert (await client.get("/one")).json() == {"one": 1}


async def test_a_lock_wait_past_the_roles_lock_timeout_is_a_503(dbt: ServiceDatabase) -> None:
    holder = await asyncpg.connect(dbt.admin_url)
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("select pg_advisory_xact_lock(4242)")
        with served(dbt.app_url, "dbt-lock") as url:
            # The app role's own lock_timeout (2 s) gives up; the client allows a little more.
            async with httpx.AsyncClient(base_url=url, timeout=QUICK + 2) as client:
                assert_unavailable(await client.get("/lock"))
        await transaction.rollback()
    finally:
        await holder.close()


async def test_a_closed_port_is_a_503(dbt: ServiceDatabase) -> None:
    dead = f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/nowhere"
    with served(dead, "dbt-closed") as url:
        async with httpx.AsyncClient(base_url=url, timeout=QUICK) as client:
            assert_unavailable(await client.get("/one"))
            assert_unavailable(await client.get("/one"))


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a hung or firewalled database)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                accepted.append(sock.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(sock.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in accepted:
            conn.close()
        sock.close()


async def test_a_database_that_never_answers_is_a_503_after_the_connect_timeout() -> None:
    with silent_server() as port:
        dsn = f"postgresql+asyncpg://nobody@127.0.0.1:{port}/nowhere"
        with served(dsn, "dbt-silent", connect_timeout=0.5) as url:
            async with httpx.AsyncClient(base_url=url, timeout=QUICK) as client:
                assert_unavailable(await client.get("/one"))


async def waiting_for(admin: asyncpg.Connection, application_name: str, query: str) -> None:
    for _ in range(200):
        busy = await admin.fetchval(
            "select count(*) from pg_stat_activity where application_name = $1 and query like $2",
            application_name,
            f"%{query}%",
        )
        if busy:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"{application_name} never ran {query}")


async def test_an_exhausted_pool_is_a_quick_503(dbt: ServiceDatabase) -> None:
    name = f"dbt-pool-{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(dbt.admin_url)
    try:
        with served(dbt.app_url, name, pool_size=1, max_overflow=0, pool_timeout=0.3) as url:
            async with httpx.AsyncClient(base_url=url, timeout=QUICK + 2) as client:
                holding = asyncio.create_task(client.get("/sleep", params={"seconds": 1.5}))
                await waiting_for(admin, name, "pg_sleep")
                assert_unavailable(await client.get("/one", timeout=QUICK))
                assert (await holding).status_code == 200
                assert (await client.get("/one")).status_code == 200
    finally:
        await admin.close()


async def test_a_connection_killed_under_the_pool_is_a_503_then_recovers(dbt: ServiceDatabase) -> None:
    name = f"dbt-kill-{uuid.uuid4().hex[:6]}"
    admin = await asyncpg.connect(dbt.admin_url)
    try:
        with served(dbt.app_url, name, pool_size=1, max_overflow=0) as url:
            async with httpx.AsyncClient(base_url=url, timeout=QUICK) as client:
                assert (await client.get("/one")).status_code == 200
                killed = await admin.fetchval(
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity"
                    " where application_name = $1",
                    name,
                )
                assert killed == 1
                assert_unavailable(await client.get("/one"))
                assert (await client.get("/one")).json() == {"one": 1}
    finally:
        await admin.close()


async def test_a_value_the_driver_cannot_send_is_a_422_not_a_500(dbt: ServiceDatabase) -> None:
    # Valid ISO 8601, but year 1 at +14:00 is before year 1 in UTC: no timestamptz can hold it.
    with served(dbt.app_url, "dbt-data") as url:
        async with httpx.AsyncClient(base_url=url, timeout=QUICK) as client:
            response = await client.get("/when", params={"at": "0001-01-01T00:00:00+14:00"})
            assert_error(response, 422, "VALIDATION_ERROR")
            ok = await client.get("/when", params={"at": "2026-01-01T00:00:00+00:00"})
            assert ok.status_code == 200, ok.text
