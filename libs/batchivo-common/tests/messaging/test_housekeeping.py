"""The worker's housekeeping and ordering: inbox rows past the retention window are purged (every tenant's,
as the relay role) and recent ones kept; an ordered event whose predecessor never comes is dead-lettered
after ``max_wait``."""

from __future__ import annotations

import uuid
from datetime import timedelta

import aio_pika
import httpx
import pytest
from batchivo_common.messaging.broker import AmqpPublisher, create_broker
from batchivo_common.messaging.consumer import EventConsumer, Ordering, subscribe
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.topology import QueueSpec
from batchivo_common.messaging.worker import create_worker
from batchivo_common.settings import ServiceSettings
from prometheus_client import REGISTRY

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(60)]

TYPE = "auth.tenant.created.v1"
DATA = {"name": "Acme", "slug": "acme", "currency_code": "EUR"}


async def test_the_worker_purges_inbox_rows_older_than_the_retention(clean_db, bus, wait_for) -> None:
    db = clean_db
    tenants = [uuid.uuid4(), uuid.uuid4()]
    ages = {"old": 31, "recent": 29}
    for tenant in tenants:
        for label, days in ages.items():
            await db.fetch(
                "insert into msgtest.inbox (consumer, event_id, tenant_id, event_type, processed_at)"
                " values ($1, $2, $3, $4, now() - make_interval(days => $5))",
                f"msgtest.{label}",
                uuid.uuid4(),
                tenant,
                TYPE,
                days,
            )
    settings = ServiceSettings(
        environment="test",
        service_name="msgtest",
        db_schema="msgtest",
        database_url=db.db.app_url,
        relay_database_url=db.db.relay_url,
        owner_database_url=db.db.owner_url,
        amqp_url=bus.amqp_url,
        amqp_prefix=bus.prefix,
        db_role_suffix=db.roles.suffix,
        inbox_retention_days=30,
    )
    before = REGISTRY.get_sample_value("batchivo_inbox_purged_total", {"service": "msgtest"}) or 0
    app = create_worker(
        settings,
        service="msgtest",
        relay_table=None,
        inbox=db.inbox,
        subscriptions=[],
        configure_process=False,
    )
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker")
    async with app.start_lifespan_context():

        async def purged():
            rows = await db.fetch("select consumer, tenant_id from msgtest.inbox order by consumer")
            return rows if len(rows) == 2 else None

        rows = await wait_for(purged, within=15)  # the housekeeping loop runs once at start-up
        metrics = (await client.get("/metrics")).text
    await client.aclose()
    assert {(r["consumer"], r["tenant_id"]) for r in rows} == {("msgtest.recent", t) for t in tenants}
    assert REGISTRY.get_sample_value("batchivo_inbox_purged_total", {"service": "msgtest"}) == before + 2
    assert "batchivo_inbox_purged_total" in metrics


async def test_an_event_whose_predecessor_never_comes_is_dead_lettered_after_max_wait(
    clean_db, bus, wait_for
):
    db = clean_db
    spec = QueueSpec("msgtest", "ordered", (TYPE,), max_attempts=2, retry_delays_ms=(200,))
    calls = []

    async def handler(session, envelope) -> None:
        calls.append(envelope.event_id)

    ordering = Ordering(
        key=lambda envelope: str(envelope.data["slug"]),
        after=("msgtest.shop.opened.v1",),
        max_wait=timedelta(0),
    )
    await bus.declare(spec)
    publisher = AmqpPublisher(bus.amqp_url, prefix=bus.prefix)
    await publisher.connect()
    broker = create_broker(bus.amqp_url, service="msgtest", registry=None, graceful_timeout=5)
    consumer = EventConsumer(
        spec, handler, db.sessions, db.inbox, publisher, prefix=bus.prefix, ordering=ordering
    )
    subscribe(broker, consumer)
    event = new_event(TYPE, producer="msgtest", tenant_id=uuid.uuid4(), data=DATA)
    await broker.start()
    try:
        await publisher.publish_event(
            TYPE, aio_pika.Message(event.to_json_bytes(), message_id=str(event.event_id), type=TYPE)
        )
        connection = await bus.connect()
        try:
            channel = await connection.channel()
            dlq = await channel.declare_queue(bus.names.dead_letter_queue(spec), passive=True)
            dead = await wait_for(lambda: dlq.get(no_ack=True, fail=False), within=10)
        finally:
            await connection.close()
    finally:
        await broker.stop()
        await publisher.close()
    assert calls == []
    assert "PrerequisiteMissing" in str(dead.headers["x-error"])
    assert "msgtest.shop.opened.v1" in str(dead.headers["x-error"])
    assert await db.fetch("select 1 from msgtest.inbox") == []
