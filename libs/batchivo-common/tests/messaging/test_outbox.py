"""The outbox write path against PostgreSQL: same transaction as the caller, RLS for the app role."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
import pytest
from batchivo_common.db.tenancy import tenant_scope
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.inbox import first_delivery
from batchivo_common.messaging.outbox import EVENTS_PER_STATEMENT, add_event, add_events
from batchivo_common.observability.tracing import tracer
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

pytestmark = [pytest.mark.db]

DATA = {"name": "Acme", "slug": "acme", "currency_code": "EUR"}


def _event(tenant: uuid.UUID):
    return new_event("auth.tenant.created.v1", producer="msgtest", tenant_id=tenant, data=DATA)


async def test_row_commits_with_the_callers_transaction_and_wakes_the_relay(clean_db) -> None:
    db = clean_db
    tenant = uuid.uuid4()
    event = _event(tenant)
    notified = asyncio.Event()
    listener = await db.admin()
    await listener.add_listener("msgtest_outbox", lambda *_: notified.set())
    try:
        with tenant_scope(tenant), tracer("test").start_as_current_span("POST /tenants") as span:
            async with db.sessions() as session, session.begin():
                await add_event(session, db.outbox, event)
                # Not visible to anyone else, and no wake-up, before the commit.
                assert await db.fetch("select 1 from msgtest.outbox") == []
                await asyncio.sleep(0.2)
                assert not notified.is_set()
        await asyncio.wait_for(notified.wait(), timeout=5)
    finally:
        await listener.close()

    rows = await db.fetch("select * from msgtest.outbox")
    assert len(rows) == 1
    row = rows[0]
    assert row["event_id"] == event.event_id
    assert row["tenant_id"] == tenant
    assert row["event_type"] == row["routing_key"] == "auth.tenant.created.v1"
    assert row["published_at"] is None
    assert row["attempts"] == 0

    assert json.loads(row["envelope"]) == event.model_dump(mode="json")
    headers = json.loads(row["headers"])
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert headers["traceparent"].split("-")[1] == trace_id
    assert headers["x-tenant-id"] == str(tenant)


async def test_many_events_keep_their_order_and_json_over_several_statements(clean_db) -> None:
    db = clean_db
    tenant = uuid.uuid4()
    events = [_event(tenant) for _ in range(EVENTS_PER_STATEMENT * 2 + 5)]
    with tenant_scope(tenant):
        async with db.sessions() as session, session.begin():
            await add_events(session, db.outbox, events)
    rows = await db.fetch(
        "select event_id, jsonb_typeof(envelope) as kind, envelope from msgtest.outbox order by id"
    )
    assert [r["event_id"] for r in rows] == [e.event_id for e in events]
    assert {r["kind"] for r in rows} == {"object"}
    assert json.loads(rows[-1]["envelope"]) == events[-1].model_dump(mode="json")


async def test_row_disappears_with_a_rolled_back_transaction(clean_db) -> None:
    db = clean_db
    tenant = uuid.uuid4()

    class Boom(Exception):
        pass

    async def write_then_fail() -> None:
        async with db.sessions() as session, session.begin():
            await add_event(session, db.outbox, _event(tenant))
            raise Boom

    with tenant_scope(tenant), pytest.raises(Boom):
        await write_then_fail()
    assert await db.fetch("select 1 from msgtest.outbox") == []


async def test_app_role_may_insert_but_not_read_and_only_for_its_tenant(clean_db) -> None:
    db = clean_db
    tenant, other = uuid.uuid4(), uuid.uuid4()
    with tenant_scope(tenant):
        async with db.sessions() as session, session.begin():
            await add_event(session, db.outbox, _event(tenant))

        with pytest.raises(DBAPIError) as denied:
            async with db.sessions() as session, session.begin():
                await session.execute(select(db.outbox.c.id))
        assert isinstance(denied.value.orig.__cause__, asyncpg.InsufficientPrivilegeError)

        with pytest.raises(DBAPIError, match="row-level security"):
            async with db.sessions() as session, session.begin():
                await add_event(session, db.outbox, _event(other))

    with tenant_scope(None), pytest.raises(DBAPIError, match="row-level security"):
        async with db.sessions() as session, session.begin():
            await add_event(session, db.outbox, _event(tenant))

    rows = await db.fetch("select tenant_id from msgtest.outbox")
    assert [r["tenant_id"] for r in rows] == [tenant]


async def test_relay_role_sees_every_tenants_rows(clean_db) -> None:
    db = clean_db
    tenants = [uuid.uuid4(), uuid.uuid4()]
    for tenant in tenants:
        with tenant_scope(tenant):
            async with db.sessions() as session, session.begin():
                await add_event(session, db.outbox, _event(tenant))
    async with db.relay_engine.connect() as conn:
        seen = (await conn.execute(text("select tenant_id from msgtest.outbox order by id"))).scalars().all()
    assert seen == tenants


async def test_inbox_first_delivery_is_true_once_per_consumer(clean_db) -> None:
    db = clean_db
    tenant = uuid.uuid4()
    event = _event(tenant)
    with tenant_scope(tenant):
        outcomes = []
        for consumer in ("inv.a", "inv.a", "inv.b"):
            async with db.sessions() as session, session.begin():
                outcomes.append(await first_delivery(session, db.inbox, consumer, event))
    assert outcomes == [True, False, True]
    # Another tenant cannot see (or collide with) these rows through RLS.
    with tenant_scope(uuid.uuid4()):
        async with db.sessions() as session, session.begin():
            assert (await session.execute(select(db.inbox.c.event_id))).all() == []
