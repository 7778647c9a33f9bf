"""Reads on the driver (db/driver.py) keep the recipe: the tenant bound at BEGIN under RLS, read-only, the
connection back in the pool, database failures answered in the project's error format."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

import httpx
import pytest
from batchivo_common.db import driver
from batchivo_common.db.checkout import CheckoutGate
from batchivo_common.db.driver import DriverQuery, DriverReadDep, session_driver
from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.errors import install_database_error_handlers
from batchivo_common.db.session import ReadSessionDep
from batchivo_common.db.tenancy import current_tenant, tenant_scope
from batchivo_common.errors import install_error_handlers
from batchivo_common.testing.plugin import ServiceDatabase
from fastapi import Depends, FastAPI, Request
from sqlalchemy import Column, MetaData, Table, Text, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

pytestmark = pytest.mark.db

_gadgets = Table(
    "gadgets",
    MetaData(schema="drivertest"),
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("tenant_id", UUID(as_uuid=True), nullable=False),
    Column("name", Text, nullable=False),
)
BY_NAME = DriverQuery(select(_gadgets.c.id, _gadgets.c.name).where(_gadgets.c.name == bindparam("name")))
ALL = DriverQuery(select(_gadgets.c.name).order_by(_gadgets.c.name))


async def as_tenant(request: Request) -> None:
    # What the principal dependency does: the tenant is known before the transaction begins.
    current_tenant.set(uuid.UUID(request.headers["x-tenant"]))


Tenant = Annotated[None, Depends(as_tenant)]


@pytest.fixture(scope="module")
async def gadgets(
    rls_table: Callable[[str, str], Awaitable[ServiceDatabase]],
) -> ServiceDatabase:
    return await rls_table("drivertest", "gadgets")


@pytest.fixture
async def app(gadgets: ServiceDatabase) -> AsyncIterator[FastAPI]:
    engine = create_engine(gadgets.app_url, application_name="test", pool_size=2)
    app = FastAPI()
    install_error_handlers(app)
    install_database_error_handlers(app)
    app.state.engine = engine
    app.state.sessionmaker = tenant_sessionmaker(engine)
    app.state.checkout_gate = CheckoutGate(2, 2.0)

    @app.get("/gadgets")
    async def names(_: Tenant, connection: DriverReadDep) -> list[str]:
        return [r["name"] for r in await ALL.fetch(connection, {})]

    @app.post("/gadgets/write-on-read")
    async def write(_: Tenant, connection: DriverReadDep) -> None:
        await connection.execute(
            "insert into drivertest.gadgets values ($1, $2, 'x')", uuid.uuid4(), uuid.uuid4()
        )

    @app.get("/slow")
    async def slow(_: Tenant, connection: DriverReadDep) -> None:
        await connection.execute("set local statement_timeout = '50ms'")
        await connection.fetchval("select pg_sleep(1)")

    @app.get("/end-my-connection")
    async def end_my_connection(_: Tenant, connection: DriverReadDep) -> None:
        await connection.execute("select pg_terminate_backend(pg_backend_pid())")

    @app.get("/session/{name}")
    async def in_session(_: Tenant, name: str, session: ReadSessionDep) -> dict[str, Any]:
        # The driver's statement comes first: session_driver begins the session's transaction, and
        # SQLAlchemy's statement after it runs in the same one (one transaction: one start time).
        driver_conn = await session_driver(session)
        row = await BY_NAME.fetchrow(driver_conn, {"name": name})
        began = await driver_conn.fetchval("select now()::text")
        same = await session.scalar(text("select now()::text"))
        again = await BY_NAME.fetchrow(await session_driver(session), {"name": name})
        return {"found": row is not None, "one_transaction": began == same, "again": again == row}

    try:
        yield app
    finally:
        await engine.dispose()


async def _insert(gadgets: ServiceDatabase, tenant: uuid.UUID, name: str) -> None:
    engine = create_engine(gadgets.app_url, application_name="test")
    try:
        with tenant_scope(tenant):
            async with tenant_sessionmaker(engine)() as session, session.begin():
                await session.execute(
                    text("insert into drivertest.gadgets values (:id, :tenant, :name)"),
                    {"id": uuid.uuid4(), "tenant": tenant, "name": name},
                )
    finally:
        await engine.dispose()


async def test_a_driver_read_sees_its_tenants_rows_only(app: FastAPI, gadgets: ServiceDatabase) -> None:
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    await _insert(gadgets, mine, f"mine-{mine}")
    await _insert(gadgets, theirs, f"theirs-{theirs}")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get("/gadgets", headers={"x-tenant": str(mine)})
        assert answer.status_code == 200
        assert answer.json() == [f"mine-{mine}"]
        nobody = await client.get("/gadgets", headers={"x-tenant": str(uuid.uuid4())})
        assert nobody.json() == []
    assert app.state.engine.pool.checkedout() == 0


async def test_a_driver_read_cannot_write(app: FastAPI) -> None:
    tenant = uuid.uuid4()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.post("/gadgets/write-on-read", headers={"x-tenant": str(tenant)})
    # ReadOnlySqlTransactionError (SQLSTATE 25006): refused by PostgreSQL, answered as an internal error.
    assert answer.status_code == 500
    assert answer.json()["code"] == "INTERNAL_ERROR"
    assert app.state.engine.pool.checkedout() == 0


async def test_a_statement_timeout_on_the_driver_answers_503(app: FastAPI) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        answer = await client.get("/slow", headers={"x-tenant": str(uuid.uuid4())})
    assert answer.status_code == 503
    assert answer.json()["code"] == "UNAVAILABLE"
    assert answer.headers["retry-after"] == "2"


async def test_driver_statements_join_the_sessions_transaction(
    app: FastAPI, gadgets: ServiceDatabase
) -> None:
    tenant = uuid.uuid4()
    await _insert(gadgets, tenant, f"joined-{tenant}")
    seen: list[str] = []
    driver.statement_hooks.append(seen.append)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            found = await client.get(f"/session/joined-{tenant}", headers={"x-tenant": str(tenant)})
            other = await client.get(f"/session/joined-{tenant}", headers={"x-tenant": str(uuid.uuid4())})
    finally:
        driver.statement_hooks.remove(seen.append)
    assert found.json() == {"found": True, "one_transaction": True, "again": True}
    # the session's tenant binds the driver's statement too
    assert other.json() == {"found": False, "one_transaction": True, "again": True}
    assert seen == [BY_NAME.sql] * 4


async def test_a_connection_the_server_ended_is_not_handed_out_again(app: FastAPI) -> None:
    tenant = {"x-tenant": str(uuid.uuid4())}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        ended = await client.get("/end-my-connection", headers=tenant)
        assert ended.status_code == 503, ended.text
        # Two connections in the pool, both used in turn: neither may be the one the server ended.
        for _ in range(3):
            assert (await client.get("/gadgets", headers=tenant)).status_code == 200
    assert app.state.engine.pool.checkedout() == 0


def test_an_expanding_parameter_is_refused() -> None:
    with pytest.raises(ValueError, match="expanding"):
        DriverQuery(select(_gadgets.c.id).where(_gadgets.c.name.in_(bindparam("names", expanding=True))))


async def test_parameters_are_processed_as_sqlalchemy_would_and_literals_travel_with_the_statement(
    gadgets: ServiceDatabase,
) -> None:
    # A JSON document and an array of them (SQLAlchemy sends their text), and a function's literal argument
    # (bound by SQLAlchemy with its value, not passed by the caller).
    query = DriverQuery(
        select(
            func.jsonb_typeof(bindparam("doc", type_=JSONB)),
            func.jsonb_array_length(func.to_jsonb(bindparam("docs", type_=ARRAY(JSONB)))),
            func.concat("fixed-", bindparam("name", type_=Text)),
            bindparam("doc", type_=JSONB)["k"].astext,
        )
    )
    engine = create_engine(gadgets.app_url, application_name="test")
    try:
        async with engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            params = {"doc": {"k": "é"}, "docs": [{"a": 1}, [2], None], "name": "x"}
            row = await query.fetchrow(raw, params)
            assert tuple(row) == ("object", 3, "fixed-x", "é")
            none = await query.fetchrow(raw, {"doc": None, "docs": None, "name": "y"})
            assert tuple(none) == (None, None, "fixed-y", None)
            with pytest.raises(KeyError):  # a parameter the caller must give is never defaulted
                await query.fetchrow(raw, {"doc": None, "docs": None})
    finally:
        await engine.dispose()
