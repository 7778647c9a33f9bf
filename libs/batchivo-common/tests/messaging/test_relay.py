"""The relay against PostgreSQL and RabbitMQ: claim → publish with confirms → mark, one active relay."""

from __future__ import annotations

import asyncio
import json
import uuid

import aio_pika
import pytest
from batchivo_common.db.tenancy import tenant_scope
from batchivo_common.messaging.broker import AmqpPublisher
from batchivo_common.messaging.consumer import EventConsumer, Outcome
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import add_event
from batchivo_common.messaging.relay import OutboxRelay, PublishFailed
from batchivo_common.messaging.topology import QueueSpec
from batchivo_common.observability.tracing import tracer
from pamqp.commands import Basic
from prometheus_client import REGISTRY

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(60)]

TYPE = "auth.tenant.created.v1"
DATA = {"name": "Acme", "slug": "acme", "currency_code": "EUR"}


async def _write(db, tenant: uuid.UUID, n: int = 1) -> list:
    events = [new_event(TYPE, producer="msgtest", tenant_id=tenant, data=DATA) for _ in range(n)]
    with tenant_scope(tenant):
        async with db.sessions() as session, session.begin():
            for event in events:
                await add_event(session, db.outbox, event)
    return events


async def _get(queue, within: float = 10.0) -> aio_pika.abc.AbstractIncomingMessage:
    async with asyncio.timeout(within):
        while True:
            message = await queue.get(no_ack=False, fail=False)
            if message is not None:
                return message
            await asyncio.sleep(0.05)


@pytest.fixture
async def publisher(bus):
    publisher = AmqpPublisher(bus.amqp_url, prefix=bus.prefix)
    await publisher.connect()
    yield publisher
    await publisher.close()


def _relay(db, publisher, **kwargs) -> OutboxRelay:
    return OutboxRelay(
        db.relay_engine,
        db.outbox,
        publisher,
        f"msgtest.outbox.{uuid.uuid4().hex[:6]}",
        poll_seconds=0.2,
        **kwargs,
    )


async def test_relay_claims_publishes_and_marks(clean_db, bus, publisher) -> None:
    db = clean_db
    tenant = uuid.uuid4()
    connection = await bus.connect()
    try:
        channel = await connection.channel()
        probe = await bus.temp_queue(channel, TYPE)
        with tracer("test").start_as_current_span("POST /tenants") as span:
            [event] = await _write(db, tenant)
        writer_trace = format(span.get_span_context().trace_id, "032x")

        relay = _relay(db, publisher)
        assert await relay.publish_batch() == 1

        message = await _get(probe)
        await message.ack()
        assert message.message_id == str(event.event_id)
        assert message.type == TYPE
        assert message.content_type == "application/json"
        assert message.app_id == "msgtest"
        assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        assert message.timestamp is not None
        headers = message.headers
        assert str(headers["traceparent"]).split("-")[1] == writer_trace  # the same trace continues
        assert headers["x-tenant-id"] == str(tenant)
        assert json.loads(message.body) == event.model_dump(mode="json")
    finally:
        await connection.close()

    [row] = await db.fetch("select published_at, attempts from msgtest.outbox")
    assert row["published_at"] is not None
    assert row["attempts"] == 0
    assert await relay.publish_batch() == 0  # nothing left to claim
    assert await relay.refresh_metrics() == 0
    assert REGISTRY.get_sample_value("batchivo_outbox_backlog", {"service": "msgtest"}) == 0


async def test_relay_publishes_in_outbox_order_across_batches(clean_db, bus, publisher) -> None:
    db = clean_db
    connection = await bus.connect()
    try:
        channel = await connection.channel()
        probe = await bus.temp_queue(channel, TYPE)
        events = await _write(db, uuid.uuid4(), n=7)
        relay = _relay(db, publisher, batch_size=3)
        assert await relay.drain() == 7
        received = []
        for _ in events:
            message = await _get(probe)
            await message.ack()
            received.append(message.message_id)
        assert received == [str(e.event_id) for e in events]
    finally:
        await connection.close()


class SimulatedCrash(Exception):
    """The relay 'dies' after the broker confirmed but before the row is marked."""


async def test_crash_between_publish_and_mark_redelivers_and_the_inbox_absorbs_it(
    clean_db, bus, publisher
) -> None:
    db = clean_db
    spec = QueueSpec("msgtest", "apply_once", (TYPE,), max_attempts=3, retry_ttl_ms=1000)
    await bus.declare(spec)
    tenant = uuid.uuid4()
    [event] = await _write(db, tenant)

    async def crash(record) -> None:
        raise SimulatedCrash

    with pytest.raises(SimulatedCrash):
        await _relay(db, publisher, after_publish=crash).publish_batch()
    [row] = await db.fetch("select published_at from msgtest.outbox")
    assert row["published_at"] is None  # the mark rolled back with the "crash"

    assert await _relay(db, publisher).publish_batch() == 1  # the next run republishes it
    [row] = await db.fetch("select published_at from msgtest.outbox")
    assert row["published_at"] is not None

    applied = []

    async def handler(session, envelope) -> None:
        applied.append(envelope.event_id)
        row = {"event_id": envelope.event_id, "tenant_id": envelope.tenant_id, "note": "applied"}
        await session.execute(db.effects.insert().values(**row))

    consumer = EventConsumer(spec, handler, db.sessions, db.inbox, publisher, prefix=bus.prefix)
    connection = await bus.connect()
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(bus.names.queue(spec), passive=True)
        first, second = await _get(queue), await _get(queue)
        assert first.message_id == second.message_id == str(event.event_id)  # a real duplicate
        assert [await consumer.process(first), await consumer.process(second)] == [
            Outcome.PROCESSED,
            Outcome.DUPLICATE,
        ]
    finally:
        await connection.close()
    assert applied == [event.event_id]
    effects = await db.fetch("select event_id from msgtest.effects")
    assert [r["event_id"] for r in effects] == [event.event_id]
    assert await bus.depth(bus.names.queue(spec)) == 0  # both acked
    assert await bus.depth(bus.names.dead_letter_queue(spec)) == 0


async def test_publish_failure_is_recorded_and_the_row_stays_unpublished(clean_db, bus) -> None:
    db = clean_db
    [_event] = await _write(db, uuid.uuid4())

    class Refusing:
        async def publish_event(self, routing_key, message) -> None:
            # As the client raises it for a Basic.Nack (its message needs the frame).
            raise aio_pika.exceptions.DeliveryError(None, Basic.Nack(delivery_tag=1))

    with pytest.raises(PublishFailed):
        await _relay(db, Refusing()).publish_batch()
    [row] = await db.fetch("select published_at, attempts, last_error from msgtest.outbox")
    assert row["published_at"] is None
    assert row["attempts"] == 1
    assert row["last_error"]


async def test_only_one_relay_holds_the_advisory_lock(clean_db, bus, publisher, wait_for) -> None:
    db = clean_db
    key = f"msgtest.outbox.{uuid.uuid4().hex[:6]}"
    first = OutboxRelay(db.relay_engine, db.outbox, publisher, key, poll_seconds=0.2)
    second = OutboxRelay(db.relay_engine, db.outbox, publisher, key, poll_seconds=0.2)
    try:
        assert await first.try_acquire() is True
        assert await second.try_acquire() is False
        await first.release()
        assert await second.try_acquire() is True
    finally:
        await first.release()
        await second.release()

    # The loops: both run, one leads and publishes everything exactly once, the other stands by.
    connection = await bus.connect()
    tasks = [asyncio.create_task(first.run()), asyncio.create_task(second.run())]
    try:
        channel = await connection.channel()
        probe = await bus.temp_queue(channel, TYPE)
        await wait_for(lambda: _leaders(first, second))
        events = await _write(db, uuid.uuid4(), n=5)

        async def published():
            rows = await db.fetch("select 1 from msgtest.outbox where published_at is not null")
            return len(rows) == 5

        await wait_for(published, within=10)  # woken by NOTIFY (the poll is only a fallback)
        assert sum(r.is_leader for r in (first, second)) == 1
        ids = []
        for _ in events:
            message = await _get(probe)
            await message.ack()
            ids.append(message.message_id)
        assert ids == [str(e.event_id) for e in events]
        await asyncio.sleep(0.5)
        assert await probe.get(fail=False) is None  # no second copy from the standby

        # The leader goes away: its lock goes with its connection and the standby takes over.
        leader = 0 if first.is_leader else 1
        tasks[leader].cancel()
        await asyncio.gather(tasks[leader], return_exceptions=True)
        standby = (first, second)[1 - leader]
        await wait_for(lambda: _leaders(standby), within=10)
        [late] = await _write(db, uuid.uuid4())
        message = await _get(probe)
        await message.ack()
        assert message.message_id == str(late.event_id)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await first.release()
        await second.release()
        await connection.close()


async def test_a_relay_cancelled_just_after_a_wake_up_stops(clean_db, publisher, wait_for) -> None:
    """Cancelling the loop in the tick after a NOTIFY woke it must stop it, not be swallowed.

    Python 3.11's ``asyncio.wait_for`` returns normally when its task is cancelled after the awaited
    future finished but before the task resumed; the relay then ran on and a shutdown (or a test
    waiting for the task) hung. The schedule below hits that tick on every run.
    """
    db = clean_db
    relay = OutboxRelay(
        db.relay_engine, db.outbox, publisher, f"msgtest.cancel.{uuid.uuid4().hex[:6]}", poll_seconds=30
    )
    task = asyncio.create_task(relay.run())
    try:
        # Idle in the wait for a NOTIFY (the private waiter list is the only way to see it from outside).
        await wait_for(lambda: _true(relay.is_leader and bool(relay._wake._waiters)), within=10)
        relay._on_notify()  # what a NOTIFY does
        await asyncio.sleep(0)  # the wake-up completes; the relay's task has not resumed yet
        task.cancel()
        async with asyncio.timeout(5):
            await asyncio.gather(task, return_exceptions=True)
        assert task.cancelled()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await relay.release()


async def _true(value: bool) -> bool:
    return value


async def _leaders(*relays: OutboxRelay) -> bool:
    return any(r.is_leader for r in relays)
