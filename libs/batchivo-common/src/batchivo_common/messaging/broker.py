"""The broker side of a worker: the FastStream broker that consumes, and the confirming publisher.

FastStream runs the consumers (design §0.6). Publishing - the relay's events, the consumer's retries and
terminal dead-letters - goes through :class:`AmqpPublisher`, a plain aio-pika channel with publisher
confirms, because each must set every AMQP property itself (``app_id`` of the original producer, the
stored ``traceparent``) and FastStream's publish would substitute its own.

:class:`QueueDepthMonitor` exports the depth of every dead-letter and retry queue as Prometheus gauges,
from passive declares on a timer (no management plugin needed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractMessage, AbstractRobustConnection
from faststream.rabbit import Channel, RabbitBroker
from faststream.rabbit.prometheus import RabbitPrometheusMiddleware
from prometheus_client import REGISTRY, CollectorRegistry, Gauge

from batchivo_common.messaging.topology import Names, QueueSpec

log = logging.getLogger("batchivo.broker")

DLQ_DEPTH = Gauge("batchivo_dlq_messages", "Messages in a dead-letter queue (alert when > 0).", ["queue"])
RETRY_DEPTH = Gauge(
    "batchivo_retry_messages", "Messages waiting in a work queue's retry queues (all tiers).", ["queue"]
)
QUEUE_PROBE_FAILURES = Gauge(
    "batchivo_queue_probe_failing", "1 while the last queue-depth probe failed (the gauges are stale).", []
)


def create_broker(
    amqp_url: str,
    *,
    service: str,
    registry: CollectorRegistry | None = REGISTRY,
    graceful_timeout: float = 15.0,
    prefetch_count: int = 1,
) -> RabbitBroker:
    """A broker for consuming; handler duration and outcome metrics go to ``registry`` when given.

    Prefetch 1 per consumer (handlers run one at a time per queue anyway): when the process dies, only the
    message being handled comes back with its ``x-delivery-count`` raised, so crash-loop detection never
    charges the innocent messages that were merely prefetched.
    """
    middlewares = (
        [RabbitPrometheusMiddleware(registry=registry, app_name=service, metrics_prefix="batchivo_messages")]
        if registry is not None
        else []
    )
    return RabbitBroker(
        amqp_url,
        app_id=service,
        graceful_timeout=graceful_timeout,
        middlewares=middlewares,
        # Bounded prefetch: unacked messages wait in the broker, not in this process's memory.
        default_channel=Channel(prefetch_count=prefetch_count),
        # A plain logger propagates to the root handler, so FastStream's lines are JSON like ours.
        logger=logging.getLogger("batchivo.faststream"),
    )


class AmqpPublisher:
    """One robust connection and one confirming channel; ``publish`` returns once the broker has the message.

    A negative confirm raises :class:`aio_pika.exceptions.DeliveryError`, a missing one ``TimeoutError``:
    either way the caller knows the message may not be stored and keeps its own copy.
    """

    def __init__(self, amqp_url: str, *, prefix: str = "", confirm_timeout: float = 10.0) -> None:
        self.amqp_url = amqp_url
        self.names = Names(prefix)
        self.confirm_timeout = confirm_timeout
        self._connection: AbstractRobustConnection | None = None
        self._channel: AbstractChannel | None = None
        self._exchanges: dict[str, AbstractExchange] = {}
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        async with self._lock:
            if self._connection is None:
                self._connection = await aio_pika.connect_robust(self.amqp_url)
                self._channel = await self._connection.channel(publisher_confirms=True)

    async def close(self) -> None:
        async with self._lock:
            if self._connection is not None:
                await self._connection.close()
            self._connection, self._channel = None, None
            self._exchanges.clear()

    @property
    def is_connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed

    async def _exchange(self, name: str) -> AbstractExchange:
        if self._channel is None:
            await self.connect()
        assert self._channel is not None
        if name == "":
            return self._channel.default_exchange
        if name not in self._exchanges:
            # Topology is declared up front (topology.declare_all): a passive check, once per name, makes a
            # missing exchange fail loudly here instead of as a channel error inside publish.
            self._exchanges[name] = await self._channel.get_exchange(name, ensure=True)
        return self._exchanges[name]

    async def publish(self, exchange: str, routing_key: str, message: AbstractMessage) -> None:
        # Not mandatory: an event nobody subscribes to yet is normal (design §2.1).
        target = await self._exchange(exchange)
        await target.publish(message, routing_key, mandatory=False, timeout=self.confirm_timeout)

    async def publish_event(self, routing_key: str, message: AbstractMessage) -> None:
        await self.publish(self.names.events, routing_key, message)

    async def publish_many(
        self, exchange: str, messages: Sequence[tuple[str, AbstractMessage]]
    ) -> list[BaseException | None]:
        """Publish every ``(routing_key, message)`` on the one confirming channel, in the given order,
        without awaiting each confirm before the next publish; then await every confirm. One outcome per
        message, in order: ``None`` once the broker confirmed it, else the exception (a nack, a return, a
        closed channel, a confirm timeout); nothing is raised for a message's failure.

        The order on the wire is the order given: each publish is a task, started in order, that takes the
        channel's lock before writing its frames and holds it until they are written (aiormq), and asyncio
        hands a lock to its waiters first come, first served; the broker keeps a channel's publishes in
        order. Confirms may arrive in any order and cover several messages at once (``multiple``).
        """
        if not messages:
            return []
        try:
            target = await self._exchange(exchange)
        except Exception as exc:  # no connection, or no such exchange: nothing was published
            return [exc] * len(messages)
        tasks = [
            asyncio.create_task(target.publish(message, key, mandatory=False, timeout=self.confirm_timeout))
            for key, message in messages
        ]
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        return [outcome if isinstance(outcome, BaseException) else None for outcome in outcomes]

    async def publish_events(
        self, messages: Sequence[tuple[str, AbstractMessage]]
    ) -> list[BaseException | None]:
        """:meth:`publish_many` to the events exchange (the outbox relay's batches)."""
        return await self.publish_many(self.names.events, messages)

    async def dead_letter(self, queue: str, message: AbstractMessage) -> None:
        """Park ``message`` in ``<queue>.dlq`` (``queue`` is the prefixed work-queue name)."""
        await self.publish(self.names.dlx, queue, message)

    async def retry(self, tier_queue: str, message: AbstractMessage) -> None:
        """Send ``message`` to the retry tier ``tier_queue`` (prefixed); it returns after its TTL."""
        await self.publish(self.names.retry, tier_queue, message)


class QueueDepthMonitor:
    """Every ``interval`` seconds, a passive declare of each spec's DLQ and retry queues sets the gauges."""

    def __init__(
        self, amqp_url: str, prefix: str, specs: Sequence[QueueSpec], *, interval: float = 30.0
    ) -> None:
        self.amqp_url, self.names, self.specs, self.interval = amqp_url, Names(prefix), list(specs), interval
        self._connection: AbstractRobustConnection | None = None

    async def _depth(self, channel: AbstractChannel, queue: str) -> int:
        declared = await channel.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)

    async def refresh(self) -> dict[str, int]:
        """Probe every queue once; returns DLQ depths by DLQ name (raises when the broker is away)."""
        if self._connection is None or self._connection.is_closed:
            self._connection = await aio_pika.connect_robust(self.amqp_url)
        depths: dict[str, int] = {}
        # A fresh channel per round: a passive declare of a missing queue closes the channel it ran on.
        channel = await self._connection.channel()
        try:
            for spec in self.specs:
                dlq = self.names.dead_letter_queue(spec)
                depths[dlq] = await self._depth(channel, dlq)
                DLQ_DEPTH.labels(dlq).set(depths[dlq])
                waiting = 0
                for queue in (self.names.retry_queue(spec), *self.names.retry_tier_queues(spec)):
                    waiting += await self._depth(channel, queue)
                RETRY_DEPTH.labels(self.names.queue(spec)).set(waiting)
        finally:
            with contextlib.suppress(Exception):
                await channel.close()
        return depths

    async def run(self) -> None:
        while True:
            try:
                await self.refresh()
                QUEUE_PROBE_FAILURES.set(0)
            except asyncio.CancelledError:
                raise
            except Exception:
                QUEUE_PROBE_FAILURES.set(1)
                log.warning("could not probe the queue depths", exc_info=True)
            await asyncio.sleep(self.interval)

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()
