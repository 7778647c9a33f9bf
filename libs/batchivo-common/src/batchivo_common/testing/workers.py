"""A service's worker running against the real broker for a test: its topology declared under a fresh
AMQP prefix, the app in its lifespan (entered in the test's own task, as AnyIO's cancel scopes require),
a publisher onto the events exchange, and everything deleted afterwards."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

import aio_pika
import httpx

from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.messaging.topology import Names, QueueSpec, declare_all, delete_all
from batchivo_common.messaging.worker import Worker
from batchivo_common.testing.polling import eventually


@dataclass
class RunningWorker:
    app: Worker
    names: Names
    prefix: str
    channel: aio_pika.abc.AbstractChannel
    publish: Callable[[EventEnvelope], Awaitable[None]]


async def _ready(probe: httpx.AsyncClient) -> bool:
    return (await probe.get("/readyz")).status_code == 200


@contextlib.asynccontextmanager
async def running_worker(
    make_app: Callable[[str], Worker], amqp_url: str, prefix: str, subscriptions: Sequence[QueueSpec]
) -> AsyncIterator[RunningWorker]:
    """``make_app(prefix)`` builds the worker with ``amqp_prefix=prefix``; its queues are declared first."""
    await declare_all(amqp_url, prefix, subscriptions)
    app = make_app(prefix)
    probe = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker")
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        async with app.start_lifespan_context():
            await eventually(lambda: _ready(probe))
            channel = await connection.channel()
            exchange = await channel.get_exchange(Names(prefix).events)

            async def publish(envelope: EventEnvelope) -> None:
                await exchange.publish(
                    aio_pika.Message(
                        body=envelope.to_json_bytes(),
                        message_id=str(envelope.event_id),
                        type=envelope.event_type,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                        content_type="application/json",
                    ),
                    routing_key=envelope.event_type,
                )

            yield RunningWorker(app, Names(prefix), prefix, channel, publish)
    finally:
        await probe.aclose()
        await connection.close()
        await delete_all(amqp_url, prefix, subscriptions)
