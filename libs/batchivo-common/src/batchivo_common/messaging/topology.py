"""Exchange and queue names and their idempotent declaration, design §2.1 and §2.2.

Every name carries the deployment's prefix (``settings.amqp_prefix``: empty in production, one per test
run), so parallel runs on one broker never meet.

Declaring is idempotent only while arguments stay the same: RabbitMQ refuses to redeclare a queue with
other arguments (PRECONDITION_FAILED). Changing a queue's arguments means a new queue name or a manual
migration; bindings removed from a spec are not unbound here.

CLI (the ``declare-topology`` one-shot run before workers start)::

    python -m batchivo_common.messaging.topology --spec batchivo_inventory.worker:QUEUES --spec ...
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, ExchangeType
from pamqp.common import FieldTable

EVENTS_EXCHANGE = "batchivo.events"
RETRY_EXCHANGE = "batchivo.retry"
DEAD_LETTER_EXCHANGE = "batchivo.dlx"
#: Above max_attempts: the consumer dead-letters a crash-looping message itself (it reads the quorum
#: queue's ``x-delivery-count`` before running the handler); the broker's limit is only the last resort.
DELIVERY_LIMIT_MARGIN = 5
#: Back-off of the retry tiers: the n-th retry of a message waits ``RETRY_DELAYS_MS[min(n, last)]``.
RETRY_DELAYS_MS: tuple[int, ...] = (1_000, 5_000, 30_000, 120_000, 300_000)


def delay_label(delay_ms: int) -> str:
    """``1000`` → ``1s``, ``120000`` → ``2m``, ``250`` → ``250ms``: the suffix of a retry tier's queue."""
    if delay_ms % 60_000 == 0:
        return f"{delay_ms // 60_000}m"
    if delay_ms % 1_000 == 0:
        return f"{delay_ms // 1_000}s"
    return f"{delay_ms}ms"


@dataclass(frozen=True)
class QueueSpec:
    """One handler's queue: ``<consumer>.<handler>`` bound to ``bindings`` (event types or patterns)."""

    consumer: str
    handler: str
    bindings: tuple[str, ...]
    #: Handler runs that may fail (or crash the worker) before the message goes to the DLQ. Failures
    #: caused by a dependency being down do not count (see consumer.py).
    max_attempts: int = 5
    #: TTL of ``<queue>.retry``, the broker-side fallback retry (a reject when the consumer could not
    #: publish the retry itself, or the delivery-limit safety net).
    retry_ttl_ms: int = 15_000
    #: The back-off tiers ``<queue>.retry.<delay>``: retry n waits ``retry_delays_ms[min(n, last)]``.
    retry_delays_ms: tuple[int, ...] = RETRY_DELAYS_MS

    def __post_init__(self) -> None:
        if not self.bindings:
            raise ValueError(f"{self.name}: a queue needs at least one binding")
        if self.max_attempts < 1 or self.retry_ttl_ms < 1:
            raise ValueError(f"{self.name}: max_attempts and retry_ttl_ms must be positive")
        if not self.retry_delays_ms or min(self.retry_delays_ms) < 1:
            raise ValueError(f"{self.name}: retry_delays_ms needs at least one positive delay")
        if len(set(self.retry_delays_ms)) != len(self.retry_delays_ms):
            raise ValueError(f"{self.name}: retry_delays_ms must not repeat a delay")

    def retry_delay_ms(self, retries: int) -> int:
        """The delay before retry number ``retries`` (0-based), capped at the last tier."""
        return self.retry_delays_ms[min(max(retries, 0), len(self.retry_delays_ms) - 1)]

    @property
    def name(self) -> str:
        """The queue's unprefixed name; also the inbox's ``consumer`` value."""
        return f"{self.consumer}.{self.handler}"


@dataclass(frozen=True)
class Names:
    """Every broker name of one deployment (one prefix)."""

    prefix: str = ""

    @property
    def events(self) -> str:
        return f"{self.prefix}{EVENTS_EXCHANGE}"

    @property
    def retry(self) -> str:
        return f"{self.prefix}{RETRY_EXCHANGE}"

    @property
    def dlx(self) -> str:
        return f"{self.prefix}{DEAD_LETTER_EXCHANGE}"

    def queue(self, spec: QueueSpec) -> str:
        return f"{self.prefix}{spec.name}"

    def retry_queue(self, spec: QueueSpec) -> str:
        return f"{self.queue(spec)}.retry"

    def retry_tier_queue(self, spec: QueueSpec, delay_ms: int) -> str:
        # Named by its delay, not its position: changing a tier's TTL makes a new queue instead of a
        # redeclare with other arguments (which RabbitMQ refuses).
        return f"{self.queue(spec)}.retry.{delay_label(delay_ms)}"

    def retry_tier_queues(self, spec: QueueSpec) -> list[str]:
        return [self.retry_tier_queue(spec, delay) for delay in spec.retry_delays_ms]

    def dead_letter_queue(self, spec: QueueSpec) -> str:
        return f"{self.queue(spec)}.dlq"

    def all_queues(self, spec: QueueSpec) -> list[str]:
        return [
            self.queue(spec),
            self.retry_queue(spec),
            *self.retry_tier_queues(spec),
            self.dead_letter_queue(spec),
        ]

    @property
    def exchanges(self) -> tuple[str, str, str]:
        return (self.events, self.retry, self.dlx)


def _quorum(extra: FieldTable) -> FieldTable:
    # At-least-once dead-lettering keeps a message in the source queue until the target confirms it;
    # RabbitMQ only allows it together with reject-publish overflow (≥ 3.10).
    return {
        "x-queue-type": "quorum",
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
        **extra,
    }


def queue_arguments(names: Names, spec: QueueSpec) -> FieldTable:
    return _quorum(
        {
            "x-dead-letter-exchange": names.retry,
            "x-dead-letter-routing-key": names.queue(spec),
            "x-delivery-limit": spec.max_attempts + DELIVERY_LIMIT_MARGIN,
        }
    )


def retry_queue_arguments(names: Names, spec: QueueSpec) -> FieldTable:
    # A quorum queue too, so the hop back (expiry → default exchange → the work queue) is also
    # at-least-once. One TTL per queue: messages expire in order, at the head.
    return _quorum(
        {
            "x-message-ttl": spec.retry_ttl_ms,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": names.queue(spec),
        }
    )


def retry_tier_arguments(names: Names, spec: QueueSpec, delay_ms: int) -> FieldTable:
    # Like .retry: expire after the tier's delay, then back to the work queue through the default exchange.
    return _quorum(
        {
            "x-message-ttl": delay_ms,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": names.queue(spec),
        }
    )


def dead_letter_queue_arguments() -> FieldTable:
    # Terminal: no TTL, no dead-letter exchange; emptied by inspection or scripts/redrive_dlq.py.
    return {"x-queue-type": "quorum"}


async def declare_exchanges(channel: AbstractChannel, names: Names) -> None:
    await channel.declare_exchange(names.events, ExchangeType.TOPIC, durable=True)
    await channel.declare_exchange(names.retry, ExchangeType.DIRECT, durable=True)
    await channel.declare_exchange(names.dlx, ExchangeType.DIRECT, durable=True)


async def declare_spec(channel: AbstractChannel, names: Names, spec: QueueSpec) -> None:
    queue_name = names.queue(spec)
    work = await channel.declare_queue(queue_name, durable=True, arguments=queue_arguments(names, spec))
    for binding in spec.bindings:
        await work.bind(names.events, routing_key=binding)
    retry = await channel.declare_queue(
        names.retry_queue(spec), durable=True, arguments=retry_queue_arguments(names, spec)
    )
    await retry.bind(names.retry, routing_key=queue_name)
    for delay in spec.retry_delays_ms:
        tier_name = names.retry_tier_queue(spec, delay)
        tier = await channel.declare_queue(
            tier_name, durable=True, arguments=retry_tier_arguments(names, spec, delay)
        )
        # The consumer publishes a retry to the retry exchange with the tier's own name as routing key.
        await tier.bind(names.retry, routing_key=tier_name)
    dlq = await channel.declare_queue(
        names.dead_letter_queue(spec), durable=True, arguments=dead_letter_queue_arguments()
    )
    await dlq.bind(names.dlx, routing_key=queue_name)


async def declare_all(amqp_url: str, prefix: str, specs: Iterable[QueueSpec]) -> None:
    """Declare the three exchanges and, per spec, its work, retry, retry-tier and dead-letter queues
    (idempotent)."""
    names = Names(prefix)
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel()
        await declare_exchanges(channel, names)
        for spec in specs:
            await declare_spec(channel, names, spec)
    finally:
        await connection.close()


async def delete_all(
    amqp_url: str, prefix: str, specs: Iterable[QueueSpec], *, exchanges: bool = True
) -> None:
    """Delete the specs' queues and (by default) the prefix's exchanges: clean-up after tests."""
    names = Names(prefix)
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel()
        for spec in specs:
            for queue in names.all_queues(spec):
                await channel.queue_delete(queue)
        if exchanges:
            for exchange in names.exchanges:
                await channel.exchange_delete(exchange)
    finally:
        await connection.close()


def load_specs(reference: str) -> list[QueueSpec]:
    """``package.module:ATTRIBUTE`` → the list of QueueSpec it names."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected module:ATTRIBUTE, got {reference!r}")
    value = getattr(importlib.import_module(module_name), attribute)
    specs = list(value)
    if not all(isinstance(spec, QueueSpec) for spec in specs):
        raise TypeError(f"{reference} must be a sequence of QueueSpec")
    return specs


def main(argv: Sequence[str] | None = None) -> None:
    from batchivo_common.settings import CommonSettings

    settings = CommonSettings()
    parser = argparse.ArgumentParser(description="Declare the event-bus exchanges and the given queues.")
    parser.add_argument(
        "--spec",
        action="append",
        default=[],
        metavar="MODULE:ATTRIBUTE",
        help="a list of QueueSpec to declare (repeatable)",
    )
    parser.add_argument("--amqp-url", default=settings.amqp_url)
    parser.add_argument("--prefix", default=settings.amqp_prefix)
    args = parser.parse_args(argv)
    specs = [spec for reference in args.spec for spec in load_specs(reference)]
    asyncio.run(declare_all(args.amqp_url, args.prefix, specs))
    print(f"declared {len(Names(args.prefix).exchanges)} exchanges and {len(specs)} queue specs")


if __name__ == "__main__":
    # ``python -m`` runs this file as __main__, a second copy whose QueueSpec is not the class the service
    # modules import; run the real module's main so the isinstance check compares like with like.
    from batchivo_common.messaging import topology

    topology.main()
