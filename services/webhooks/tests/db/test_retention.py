"""The delivery log's retention (retention.py, migration 0002): finished deliveries last attempted longer
ago than the window are deleted, in batches, by the relay role; recent ones and every pending one stay.
And the worker runs the purge by itself."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from batchivo_common.db.engine import create_engine
from batchivo_common.testing.polling import eventually
from batchivo_webhooks.retention import purge_deliveries
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.db

#: A delivery with its status and how many days ago it was last attempted.
DELIVERY = (
    "insert into webhooks.deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload, status,"
    " last_attempt_at) values ($1, $2, $3, gen_random_uuid(), 'inventory.spool.created.v1', '{}', $4,"
    " now() - make_interval(days => $5::int))"
)


@pytest.fixture
async def relay_engine(webhooks_db) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(webhooks_db.relay_url, application_name="retention-test", pool_size=1)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _deliveries(admin_conn, endpoint_sql: str, rows: list[tuple[str, int]]) -> list[uuid.UUID]:
    """One delivery per (status, days since its last attempt), each of its own shop; their ids."""
    ids = []
    for status, days in rows:
        tenant, endpoint = uuid.uuid4(), uuid.uuid4()
        await admin_conn.execute(endpoint_sql, tenant, endpoint)
        delivery = uuid.uuid4()
        await admin_conn.execute(DELIVERY, delivery, tenant, endpoint, status, days)
        ids.append(delivery)
    return ids


async def _left(admin_conn) -> set[uuid.UUID]:
    return {r[0] for r in await admin_conn.fetch("select id from webhooks.deliveries")}


async def test_finished_deliveries_past_retention_go_and_the_rest_stay(
    client, admin_conn, relay_engine, endpoint_sql
) -> None:
    rows = [("succeeded", 31), ("failed", 45), ("pending", 60)]  # past the window
    rows += [("succeeded", 29), ("failed", 1), ("pending", 0)]  # within it
    made = await _deliveries(admin_conn, endpoint_sql, rows)
    _, _, old_pending, recent_ok, recent_failed, fresh_pending = made
    # A pending delivery never attempted (no last attempt) stays whatever its age.
    tenant, endpoint, never = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await admin_conn.execute(endpoint_sql, tenant, endpoint)
    await admin_conn.execute(
        "insert into webhooks.deliveries (id, tenant_id, endpoint_id, event_id, event_type, payload,"
        " created_at) values ($1, $2, $3, gen_random_uuid(), 't', '{}', now() - interval '90 days')",
        never,
        tenant,
        endpoint,
    )

    assert await purge_deliveries(relay_engine, timedelta(days=30)) == 2
    assert await _left(admin_conn) == {old_pending, recent_ok, recent_failed, fresh_pending, never}
    assert await purge_deliveries(relay_engine, timedelta(days=30)) == 0  # nothing left to purge


async def test_a_backlog_is_purged_in_batches(client, admin_conn, relay_engine, endpoint_sql) -> None:
    kept = await _deliveries(admin_conn, endpoint_sql, [("succeeded", 1)])
    await _deliveries(admin_conn, endpoint_sql, [("succeeded", 40)] * 7)
    assert await purge_deliveries(relay_engine, timedelta(days=30), batch_size=3) == 7
    assert await _left(admin_conn) == set(kept)


@pytest.mark.amqp
@pytest.mark.redis
@pytest.mark.timeout(60)
async def test_the_worker_purges_by_itself(client, admin_conn, run_worker, endpoint_sql) -> None:
    old, recent = await _deliveries(admin_conn, endpoint_sql, [("failed", 8), ("failed", 6)])

    async def purged() -> bool:
        return await _left(admin_conn) == {recent}

    async with run_worker(delivery_retention_days=7, delivery_purge_seconds=0.2):
        await eventually(purged, within=20.0)
    assert old not in await _left(admin_conn)
