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


# --- pipelined batches --------------------------------------------------------------------------------


class CountingPublisher(AmqpPublisher):
    """The real publisher, counting the batches it was handed (pipelined) and the single publishes."""

    def __init__(self, *args, poison: set[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.batches: list[int] = []
        self.singles = 0
        self.poison = poison or set()

    def _poisoned(self, message) -> None:
        # An expiration the broker refuses: it closes the channel on this message (PRECONDITION_FAILED).
        if message.message_id in self.poison:
            message.expiration = -5

    async def publish_events(self, messages):
        self.batches.append(len(messages))
        for _, message in messages:
            self._poisoned(message)
        return await super().publish_events(messages)

    async def publish_event(self, routing_key, message) -> None:
        self.singles += 1
        self._poisoned(message)
        await super().publish_event(routing_key, message)


async def _outbox_rows(db) -> list:
    return await db.fetch(
        "select id, event_id, published_at, attempts, last_error from msgtest.outbox order by id"
    )


async def _drain_queue(queue, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        message = await _get(queue)
        await message.ack()
        ids.append(message.message_id)
    return ids


async def test_a_burst_is_published_pipelined_once_each_in_order(clean_db, bus) -> None:
    db = clean_db
    publisher = CountingPublisher(bus.amqp_url, prefix=bus.prefix)
    connection = await bus.connect()
    try:
        channel = await connection.channel()
        probe = await bus.temp_queue(channel, TYPE)
        events = await _write(db, uuid.uuid4(), n=450)
        relay = _relay(db, publisher)
        assert await relay.drain() == 450
        assert publisher.batches == [100, 100, 100, 100, 50] and publisher.singles == 0
        assert await _drain_queue(probe, 450) == [str(e.event_id) for e in events]
        await asyncio.sleep(0.3)
        assert await probe.get(fail=False) is None  # each exactly once
    finally:
        await publisher.close()
        await connection.close()
    rows = await _outbox_rows(db)
    assert all(r["published_at"] is not None and r["attempts"] == 0 for r in rows)


async def test_a_nack_in_a_pipelined_batch_marks_only_the_confirmed_rows_before_it(clean_db, bus) -> None:
    """A queue that takes 3 messages and then refuses: the broker confirms rows 1-3 and nacks the rest of the
    batch. Rows 1-3 are marked, row 4 is charged its attempt and holds the line, rows 5-8 (nacked too, never
    looked at) stay as they were; once the queue has room, the next pass publishes rows 4-8 in order."""
    db = clean_db
    publisher = CountingPublisher(bus.amqp_url, prefix=bus.prefix)
    connection = await bus.connect()
    small = f"{bus.prefix}small.{uuid.uuid4().hex[:6]}"
    bus.extra_queues.append(small)
    try:
        channel = await connection.channel()
        limited = await channel.declare_queue(
            small, durable=False, arguments={"x-max-length": 3, "x-overflow": "reject-publish"}
        )
        await limited.bind(bus.names.events, routing_key=TYPE)
        events = await _write(db, uuid.uuid4(), n=8)
        relay = _relay(db, publisher)
        with pytest.raises(PublishFailed) as failed:
            await relay.publish_batch()
        assert "DeliveryError" in str(failed.value)
        rows = await _outbox_rows(db)
        assert [r["published_at"] is not None for r in rows] == [True] * 3 + [False] * 5
        assert [r["attempts"] for r in rows] == [0, 0, 0, 1, 0, 0, 0, 0]
        assert rows[3]["last_error"] and not any(r["last_error"] for r in rows[4:])
        assert publisher.batches == [8]

        assert await _drain_queue(limited, 3) == [str(e.event_id) for e in events[:3]]
        await limited.purge()
        await limited.unbind(bus.names.events, routing_key=TYPE)
        probe = await bus.temp_queue(channel, TYPE)
        assert await relay.publish_batch() == 5
        assert publisher.batches == [8, 5]
        assert await _drain_queue(probe, 5) == [str(e.event_id) for e in events[3:]]
        rows = await _outbox_rows(db)
        assert all(r["published_at"] is not None for r in rows)
        assert [r["attempts"] for r in rows] == [0, 0, 0, 1, 0, 0, 0, 0]
    finally:
        await publisher.close()
        await connection.close()


async def test_a_channel_closed_by_one_message_charges_only_that_row(clean_db, bus, wait_for) -> None:
    """Row 4's message makes the broker close the channel. Pipelined, every message in flight fails with the
    channel, whichever caused it: nothing unconfirmed is marked, nothing is charged, and the next batch goes
    one row at a time, where the refusal is charged to row 4 alone; after it, pipelining resumes."""
    db = clean_db
    events = await _write(db, uuid.uuid4(), n=6)
    publisher = CountingPublisher(bus.amqp_url, prefix=bus.prefix, poison={str(events[3].event_id)})
    await publisher.connect()
    connection = await bus.connect()
    try:
        channel = await connection.channel()
        probe = await bus.temp_queue(channel, TYPE)
        relay = _relay(db, publisher, max_publish_attempts=1)

        with pytest.raises(PublishFailed):
            await relay.publish_batch()
        rows = await _outbox_rows(db)
        marked = [r["published_at"] is not None for r in rows]
        # What the broker confirmed before it closed the channel (rows 1-3, or fewer if their confirms were
        # still on the way) is marked: a prefix, never row 4 or later.
        assert marked == sorted(marked, reverse=True) and not any(marked[3:])
        assert all(r["attempts"] == 0 for r in rows)  # not charged: the culprit is not known yet
        assert publisher.batches == [6]

        async def channel_back() -> bool:
            return publisher._channel is not None and not publisher._channel.is_closed

        await wait_for(channel_back, within=10)
        # One at a time: the rows before row 4 publish, row 4 is refused and charged (parked at 1 attempt),
        # which ends the batch (the channel is gone again).
        settled = await relay.publish_batch()
        rows = await _outbox_rows(db)
        assert [r["attempts"] for r in rows] == [0, 0, 0, 1, 0, 0]
        assert settled == 4 - sum(marked)
        parked = await db.fetch(
            "select parked_at from msgtest.outbox where event_id = $1", events[3].event_id
        )
        assert parked[0]["parked_at"] is not None
        assert publisher.batches == [6]

        await wait_for(channel_back, within=10)
        assert await relay.publish_batch() == 2  # pipelined again
        assert publisher.batches == [6, 2]
        rows = await _outbox_rows(db)
        assert [r["published_at"] is not None for r in rows] == [True, True, True, False, True, True]
        received = await _drain_queue(probe, 5)
        await asyncio.sleep(0.3)
        while (extra := await probe.get(no_ack=True, fail=False)) is not None:
            received.append(extra.message_id)
        # Rows the broker routed in the first pass but whose confirms the closed channel lost were published
        # again (at-least-once: the consumers' inbox absorbs the copies); first arrivals are in outbox order.
        expected = [str(e.event_id) for i, e in enumerate(events) if i != 3]
        assert list(dict.fromkeys(received)) == expected
        unconfirmed = {
            str(e.event_id) for e, was_marked in zip(events[:3], marked, strict=False) if not was_marked
        }
        assert {i for i in received if received.count(i) > 1} <= unconfirmed
        assert all(received.count(i) <= 2 for i in expected)
    finally:
        await publisher.close()
        await connection.close()
