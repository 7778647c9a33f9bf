"""The handler pipeline on a real FastStream broker: retries via ``.retry``, then ``.dlq``; poison at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid

import aio_pika
import pytest
from batchivo_common.db.tenancy import get_tenant
from batchivo_common.messaging.broker import AmqpPublisher, create_broker
from batchivo_common.messaging.consumer import EventConsumer, Outcome, PermanentError, subscribe
from batchivo_common.messaging.envelope import current_causation, new_event
from batchivo_common.messaging.topology import QueueSpec
from batchivo_common.observability.context import request_id
from batchivo_common.observability.logging import JsonFormatter

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(90)]

TYPE = "auth.tenant.created.v1"
DATA = {"name": "Acme", "slug": "acme", "currency_code": "EUR"}


@contextlib.asynccontextmanager
async def running(bus, db, spec, handler):
    """A FastStream broker consuming ``spec`` through the pipeline, plus the confirming publisher."""
    await bus.declare(spec)
    publisher = AmqpPublisher(bus.amqp_url, prefix=bus.prefix)
    await publisher.connect()
    broker = create_broker(bus.amqp_url, service="msgtest", registry=None, graceful_timeout=5)
    consumer = EventConsumer(spec, handler, db.sessions, db.inbox, publisher, prefix=bus.prefix)
    outcomes = []
    process = consumer.process

    async def recording(message):
        outcomes.append(await process(message))
        return outcomes[-1]

    consumer.process = recording  # type: ignore[method-assign]
    subscribe(broker, consumer)
    await broker.start()
    try:
        yield publisher, outcomes
    finally:
        await broker.stop()
        await publisher.close()


def _message(event) -> aio_pika.Message:
    return aio_pika.Message(
        event.to_json_bytes(),
        message_id=str(event.event_id),
        type=event.event_type,
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


async def _dlq_message(bus, spec, within: float = 20.0):
    connection = await bus.connect()
    try:
        channel = await connection.channel()
        dlq = await channel.declare_queue(bus.names.dead_letter_queue(spec), passive=True)
        async with asyncio.timeout(within):
            while True:
                message = await dlq.get(no_ack=False, fail=False)
                if message is not None:
                    await message.ack()
                    return message
                await asyncio.sleep(0.1)
    finally:
        await connection.close()


async def test_handler_runs_as_the_events_tenant_and_context(clean_db, bus, wait_for) -> None:
    db = clean_db
    spec = QueueSpec("msgtest", "ok", (TYPE,))
    seen = []

    async def handler(session, envelope) -> None:
        seen.append((get_tenant(), request_id.get(), current_causation.get()))
        handler_log.info("applying the event")
        await session.execute(
            db.effects.insert().values(event_id=envelope.event_id, tenant_id=envelope.tenant_id, note="ok")
        )

    lines = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:  # formatted now, inside the handler's context
            lines.append(json.loads(JsonFormatter("msgtest-worker").format(record)))

    handler_log = logging.getLogger("msgtest.handler")
    capture = Capture()
    handler_log.addHandler(capture)
    handler_log.setLevel(logging.INFO)
    tenant = uuid.uuid4()
    event = new_event(TYPE, producer="msgtest", tenant_id=tenant, data=DATA, correlation_id="req-7")
    try:
        async with running(bus, clean_db, spec, handler) as (publisher, outcomes):
            await publisher.publish_event(TYPE, _message(event))
            await publisher.publish_event(TYPE, _message(event))  # the same message_id again
            await wait_for(lambda: _settled(outcomes, 2))
    finally:
        handler_log.removeHandler(capture)
        handler_log.setLevel(logging.NOTSET)
    [line] = lines
    assert line["event_id"] == str(event.event_id)
    assert line["event_type"] == TYPE
    assert line["tenant_id"] == str(tenant)
    assert line["correlation_id"] == line["request_id"] == "req-7"
    assert len(line["trace_id"]) == 32  # inside the "<type> process" span
    # Both copies are in flight at once; whichever finishes first, exactly one is applied.
    assert sorted(outcomes) == sorted([Outcome.PROCESSED, Outcome.DUPLICATE])
    assert await bus.depth(bus.names.queue(spec)) == 0
    assert seen == [(tenant, "req-7", str(event.event_id))]  # once, as the tenant, with its context
    rows = await db.fetch("select tenant_id from msgtest.effects")
    assert [r["tenant_id"] for r in rows] == [tenant]


async def test_failing_handler_backs_off_through_the_retry_tiers_then_lands_in_the_dlq(
    clean_db, bus, wait_for
):
    db = clean_db
    spec = QueueSpec("msgtest", "always_fails", (TYPE,), max_attempts=3, retry_delays_ms=(1000, 2000))
    calls: list[float] = []
    seen_in_tier: set[str] = set()

    async def handler(session, envelope) -> None:
        calls.append(asyncio.get_running_loop().time())
        raise RuntimeError("inventory is on fire")

    event = new_event(TYPE, producer="msgtest", tenant_id=uuid.uuid4(), data=DATA)
    tiers = bus.names.retry_tier_queues(spec)
    assert tiers == [f"{bus.names.queue(spec)}.retry.1s", f"{bus.names.queue(spec)}.retry.2s"]

    async def watch_tiers() -> None:
        while True:
            for tier in tiers:
                if await bus.depth(tier) > 0:
                    seen_in_tier.add(tier)
            await asyncio.sleep(0.05)

    async with running(bus, db, spec, handler) as (publisher, outcomes):
        watcher = asyncio.create_task(watch_tiers())
        try:
            await publisher.publish_event(TYPE, _message(event))
            dead = await _dlq_message(bus, spec)
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)

    assert seen_in_tier == set(tiers)  # the first retry waited in .retry.1s, the second in .retry.2s
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.DEAD_LETTERED]
    assert len(calls) == 3
    assert calls[1] - calls[0] >= 0.9
    assert calls[2] - calls[1] >= 1.9  # exponential: the second wait is the longer tier
    assert dead.message_id == str(event.event_id)
    assert dead.type == TYPE
    assert "RuntimeError: inventory is on fire" in str(dead.headers["x-error"])
    assert dead.headers["x-failed-at"]
    assert dead.headers["x-batchivo-attempts"] == 2  # two counted failures before the last attempt
    assert dead.headers["x-batchivo-retries"] == 2
    deaths = {(str(d["queue"]), str(d["reason"])): d["count"] for d in dead.headers["x-death"]}
    assert deaths == {(tiers[0], "expired"): 1, (tiers[1], "expired"): 1}
    for queue in bus.names.all_queues(spec)[:-1]:
        assert await bus.depth(queue) == 0
    assert await db.fetch("select 1 from msgtest.inbox") == []  # the inbox row rolled back each time


async def test_a_dependency_outage_is_retried_past_max_attempts_and_never_dead_lettered(
    clean_db, bus, wait_for
):
    db = clean_db
    spec = QueueSpec("msgtest", "flaky_dependency", (TYPE,), max_attempts=2, retry_delays_ms=(200, 400))
    calls = []

    async def handler(session, envelope) -> None:
        calls.append(envelope.event_id)
        if len(calls) <= 5:  # far more failures than max_attempts
            raise ConnectionRefusedError("[Errno 111] Connect call failed ('127.0.0.1', 5432)")
        await session.execute(
            db.effects.insert().values(event_id=envelope.event_id, tenant_id=envelope.tenant_id, note="late")
        )

    event = new_event(TYPE, producer="msgtest", tenant_id=uuid.uuid4(), data=DATA)
    async with running(bus, db, spec, handler) as (publisher, outcomes):
        await publisher.publish_event(TYPE, _message(event))
        await wait_for(lambda: _settled(outcomes, 6), within=20)
    assert outcomes == [Outcome.RETRY] * 5 + [Outcome.PROCESSED]
    assert await bus.depth(bus.names.dead_letter_queue(spec)) == 0
    assert [r["note"] for r in await db.fetch("select note from msgtest.effects")] == ["late"]


async def test_a_message_that_crashed_its_worker_max_attempts_times_is_dead_lettered_before_the_handler(
    clean_db, bus, wait_for
) -> None:
    """A consumer that dies holding the message (no ack, no reject) never reaches an ``except``; the quorum
    queue's x-delivery-count, read before the handler runs, is what ends the loop."""
    db = clean_db
    spec = QueueSpec("msgtest", "crashy", (TYPE,), max_attempts=3, retry_delays_ms=(200,))
    calls = []

    async def handler(session, envelope) -> None:
        calls.append(envelope.event_id)

    event = new_event(TYPE, producer="msgtest", tenant_id=uuid.uuid4(), data=DATA)
    await bus.declare(spec)
    connection = await bus.connect()
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(bus.names.events)
        await exchange.publish(_message(event), routing_key=TYPE)
    finally:
        await connection.close()
    for crash in range(3):
        # A "worker" takes the message and dies: its connection goes away with the message unsettled.
        doomed = await bus.connect()
        channel = await doomed.channel()
        queue = await channel.declare_queue(bus.names.queue(spec), passive=True)
        message = await wait_for(lambda queue=queue: queue.get(no_ack=False, fail=False))
        assert message.headers["x-delivery-count"] == crash
        await doomed.close()
    async with running(bus, db, spec, handler) as (_, outcomes):
        dead = await _dlq_message(bus, spec)
    assert outcomes == [Outcome.DEAD_LETTERED]
    assert calls == []  # the handler did not get a fourth chance to kill the process
    assert dead.message_id == str(event.event_id)
    assert "CrashLoop" in str(dead.headers["x-error"])
    assert "3 of them deliveries that were never settled" in str(dead.headers["x-error"])


async def test_invalid_envelopes_and_permanent_errors_go_straight_to_the_dlq(clean_db, bus, wait_for) -> None:
    db = clean_db
    spec = QueueSpec("msgtest", "poison", ("#",), max_attempts=5, retry_ttl_ms=60_000)
    calls = []

    async def handler(session, envelope) -> None:
        calls.append(envelope.event_id)
        raise PermanentError("this can never work")

    valid = new_event(TYPE, producer="msgtest", tenant_id=uuid.uuid4(), data=DATA)
    unknown = valid.model_copy(update={"event_type": "msgtest.thing.vanished.v9", "event_id": uuid.uuid4()})
    async with running(bus, db, spec, handler) as (publisher, outcomes):
        await publisher.publish_event("garbage.key", aio_pika.Message(b"{not json", message_id="m-1"))
        await publisher.publish_event(unknown.event_type, _message(unknown))
        await publisher.publish_event(TYPE, _message(valid))
        await wait_for(lambda: _settled(outcomes, 3), within=10)
    assert outcomes == [Outcome.DEAD_LETTERED] * 3
    assert await bus.depth(bus.names.dead_letter_queue(spec)) == 3

    connection = await bus.connect()
    try:
        channel = await connection.channel()
        dlq = await channel.declare_queue(bus.names.dead_letter_queue(spec), passive=True)
        errors = {}
        for _ in range(3):
            message = await dlq.get(no_ack=False)
            errors[message.message_id] = str(message.headers["x-error"])
            assert "x-death" not in message.headers  # never went through the retry queue
            await message.ack()
    finally:
        await connection.close()
    assert "ValidationError" in errors["m-1"]
    assert "UnknownEventType" in errors[str(unknown.event_id)]
    assert "PermanentError: this can never work" in errors[str(valid.event_id)]
    assert calls == [valid.event_id]  # the handler only ever saw the valid one, once


async def _settled(outcomes: list, n: int) -> bool:
    return len(outcomes) >= n
