"""Row-level security in raw SQL: the app role sees and writes only its tenant's endpoints and
deliveries; the relay role (dispatcher, key rotation, retention purge) reads and updates every tenant's
rows, never inserts, and deletes only finished deliveries."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

pytestmark = pytest.mark.db

DELIVERY = (
    "insert into webhooks.deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload)"
    " values (gen_random_uuid(), $1, $2, gen_random_uuid(), 'inventory.spool.created.v1', '{}')"
)
INBOX = (
    "insert into webhooks.inbox (consumer, event_id, tenant_id, event_type)"
    " values ('c', gen_random_uuid(), $1, 't')"
)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def as_app(webhooks_db, client) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(_dsn(webhooks_db.app_url))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def as_relay(webhooks_db) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(_dsn(webhooks_db.relay_url))
    try:
        yield conn
    finally:
        await conn.close()


async def _as_tenant(conn: asyncpg.Connection, tenant_id: uuid.UUID | None) -> None:
    await conn.execute("select set_config('app.tenant_id', $1, false)", str(tenant_id) if tenant_id else "")


async def test_every_table_is_covered(admin_conn) -> None:
    rows = await admin_conn.fetch("select tablename from pg_tables where schemaname = 'webhooks'")
    assert {r[0] for r in rows} - {"alembic_version"} == {"endpoints", "deliveries", "inbox"}
    forced = await admin_conn.fetch(
        "select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where nspname = 'webhooks' and relrowsecurity and relforcerowsecurity"
    )
    assert {r[0] for r in forced} >= {"endpoints", "deliveries", "inbox"}


async def test_the_app_role_sees_and_writes_only_its_tenant(as_app, endpoint_sql) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    ea, eb = uuid.uuid4(), uuid.uuid4()
    await _as_tenant(as_app, b)
    await as_app.execute(endpoint_sql, b, eb)
    await as_app.execute(DELIVERY, b, eb)
    await as_app.execute(INBOX, b)
    await _as_tenant(as_app, a)
    for statement, args in ((endpoint_sql, (b, uuid.uuid4())), (DELIVERY, (b, eb)), (INBOX, (b,))):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await as_app.execute(statement, *args)
    await as_app.execute(endpoint_sql, a, ea)
    await as_app.execute(DELIVERY, a, ea)
    for table in ("endpoints", "deliveries"):
        assert await as_app.fetchval(f"select count(*) from webhooks.{table}") == 1
        assert await as_app.fetchval(f"select count(*) from webhooks.{table} where tenant_id = $1", b) == 0
        assert (
            await as_app.execute(f"update webhooks.{table} set tenant_id = tenant_id where tenant_id = $1", b)
            == "UPDATE 0"
        )
        assert await as_app.execute(f"delete from webhooks.{table} where tenant_id = $1", b) == "DELETE 0"
    # An update may not move a row to another tenant.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute("update webhooks.endpoints set tenant_id = $1 where id = $2", b, ea)
    await _as_tenant(as_app, None)
    assert await as_app.fetchval("select count(*) from webhooks.endpoints") == 0


async def test_the_relay_role_reads_and_updates_every_tenant_never_inserts_and_deletes_only_finished(
    as_app, as_relay, endpoint_sql
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    for tenant in (a, b):
        endpoint = uuid.uuid4()
        await _as_tenant(as_app, tenant)
        await as_app.execute(endpoint_sql, tenant, endpoint)
        await as_app.execute(DELIVERY, tenant, endpoint)
    assert await as_relay.fetchval("select count(*) from webhooks.endpoints") == 2
    assert await as_relay.execute("update webhooks.deliveries set attempts = attempts + 1") == "UPDATE 2"
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_relay.execute(endpoint_sql, a, uuid.uuid4())
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_relay.execute("delete from webhooks.endpoints")
    # The retention purge's right: finished deliveries only, whatever the statement asks.
    assert await as_relay.execute("delete from webhooks.deliveries") == "DELETE 0"
    finished = "update webhooks.deliveries set status = 'failed' where tenant_id = $1"
    assert await as_relay.execute(finished, b) == "UPDATE 1"
    assert await as_relay.execute("delete from webhooks.deliveries") == "DELETE 1"
    assert await as_relay.fetchval("select count(*) from webhooks.deliveries where tenant_id = $1", a) == 1
