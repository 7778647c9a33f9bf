"""A failing inventory handler on the real broker: its transaction rolls back, a retry books exactly once,
and a handler that keeps failing ends in the dead-letter queue with nothing booked."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
import httpx
import pytest
from batchivo_common.messaging.consumer import Handler
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.messaging.topology import Names, QueueSpec, declare_all, delete_all
from batchivo_common.messaging.worker import create_worker
from batchivo_common.testing.polling import eventually
from batchivo_inventory.db import inbox, outbox
from batchivo_inventory.events import handlers
from batchivo_inventory.settings import InventorySettings

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(120)]

COMPLETED = "production.run.completed.v1"


@contextlib.asynccontextmanager
async def worker_for(
    inventory_db, batchivo_infra, spec: QueueSpec, handler: Handler
) -> AsyncIterator[tuple[aio_pika.abc.AbstractChannel, Names, Callable[[EventEnvelope], Awaitable[None]]]]:
    """A worker of the inventory schema consuming ``spec`` with ``handler`` (the real pipeline)."""
    prefix = f"{batchivo_infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
    names = Names(prefix)
    settings = InventorySettings(**{**inventory_db.settings_overrides(batchivo_infra), "amqp_prefix": prefix})
    await declare_all(batchivo_infra.amqp_url, prefix, [spec])
    worker = create_worker(
        settings,
        service="inventory",
        relay_table=outbox,
        subscriptions=[(spec, handler)],
        inbox=inbox,
        configure_process=False,
    )
    probe = httpx.AsyncClient(transport=httpx.ASGITransport(app=worker), base_url="http://worker")
    connection = await aio_pika.connect_robust(batchivo_infra.amqp_url)
    try:
        async with worker.start_lifespan_context():
            await eventually(lambda: _ready(probe))
            channel = await connection.channel()
            exchange = await channel.get_exchange(names.events)

            async def publish(envelope: EventEnvelope) -> None:
                message = aio_pika.Message(
                    body=envelope.to_json_bytes(),
                    message_id=str(envelope.event_id),
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                )
                await exchange.publish(message, routing_key=envelope.event_type)

            yield channel, names, publish
    finally:
        await probe.aclose()
        await connection.close()
        await delete_all(batchivo_infra.amqp_url, prefix, [spec])


async def _ready(probe: httpx.AsyncClient) -> bool:
    return (await probe.get("/readyz")).status_code == 200


def _completed(tenant_id: uuid.UUID, spool_id: str) -> EventEnvelope:
    return new_event(
        COMPLETED,
        producer="production",
        tenant_id=tenant_id,
        data={"run_id": str(uuid.uuid4()), "materials": [{"spool_id": spool_id, "grams": 12}]},
    )


async def _usage_rows(admin_conn, spool_id: str) -> list[float]:
    rows = await admin_conn.fetch(
        "select delta from inventory.inventory_transactions where spool_id = $1 and kind = 'usage'",
        uuid.UUID(spool_id),
    )
    return [float(r["delta"]) for r in rows]


async def test_a_failed_attempt_rolls_back_and_the_retry_books_once(
    api, admin_conn, inventory_db, batchivo_infra
) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    envelope = _completed(tenant.id, spool["id"])
    attempts: list[int] = []

    async def flaky(session, event) -> None:  # type: ignore[no-untyped-def]
        attempts.append(1)
        await handlers.on_run_completed(session, event)
        if len(attempts) == 1:
            raise RuntimeError("lost the connection after booking")

    spec = QueueSpec(
        "inventory", f"flaky_{uuid.uuid4().hex[:6]}", (COMPLETED,), max_attempts=3, retry_ttl_ms=200
    )
    async with worker_for(inventory_db, batchivo_infra, spec, flaky) as (_, _, publish):
        await publish(envelope)

        async def booked() -> bool:
            return bool(
                await admin_conn.fetchval(
                    "select count(*) from inventory.inbox where event_id = $1", envelope.event_id
                )
            )

        await eventually(booked)
    assert len(attempts) == 2
    assert await _usage_rows(admin_conn, spool["id"]) == [-12.0]


async def test_a_handler_that_keeps_failing_ends_in_the_dlq_with_nothing_booked(
    api, admin_conn, inventory_db, batchivo_infra
) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    envelope = _completed(tenant.id, spool["id"])

    async def broken(session, event) -> None:  # type: ignore[no-untyped-def]
        await handlers.on_run_completed(session, event)
        raise RuntimeError("always fails")

    spec = QueueSpec(
        "inventory", f"broken_{uuid.uuid4().hex[:6]}", (COMPLETED,), max_attempts=2, retry_ttl_ms=200
    )
    async with worker_for(inventory_db, batchivo_infra, spec, broken) as (channel, names, publish):
        await publish(envelope)
        dlq = await channel.declare_queue(names.dead_letter_queue(spec), passive=True)
        message = await eventually(lambda: dlq.get(timeout=5, fail=False))
        await message.ack()
    assert message.message_id == str(envelope.event_id)
    assert "always fails" in str(message.headers["x-error"])
    assert await _usage_rows(admin_conn, spool["id"]) == []
    assert (
        await admin_conn.fetchval(
            "select count(*) from inventory.inbox where event_id = $1", envelope.event_id
        )
        == 0
    )
