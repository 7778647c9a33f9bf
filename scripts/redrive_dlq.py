"""Move dead-lettered messages back to their queue, design §2.6; put parked outbox rows back in line.

    uv run python scripts/redrive_dlq.py inventory.tenant_defaults [--limit N] [--prefix P]
    uv run python scripts/redrive_dlq.py --unpark-outbox inventory [--id 42 ...] [--database-url URL]

Takes at most the messages present at start from ``<queue>.dlq`` and publishes each to the default
exchange with routing key ``<queue>`` (with publisher confirms), then acks it in the DLQ, so a message
is never in neither place. ``message_id`` and the other properties and headers are kept, so the consumer's
inbox skips anything already applied; only the broker's ``x-death`` history is dropped, so the redriven
message gets its full retry budget again (with the consumer's ``x-batchivo-*`` counters). The previous
error stays readable as ``x-redriven-error``.

``--unpark-outbox <schema>`` clears ``parked_at`` (and the attempt count) of that service's parked outbox
rows (all, or the ``--id`` ones) so the relay publishes them again; it connects as the relay role
(``--database-url``, default ``$<SCHEMA>_RELAY_DATABASE_URL``). Fix what made the broker refuse them first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import UTC, datetime

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from batchivo_common.db.base import service_metadata
from batchivo_common.messaging.consumer import RETRY_STATE_HEADERS, persistent_copy
from batchivo_common.messaging.outbox import outbox_table, unpark
from batchivo_common.messaging.topology import load_specs
from sqlalchemy.ext.asyncio import create_async_engine

#: Broker-maintained dead-letter history; removed so attempts are counted afresh.
_DEATH_HEADERS = (
    "x-death",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
    "x-last-death-reason",
    *RETRY_STATE_HEADERS,
)


def redriven_copy(message: AbstractIncomingMessage) -> aio_pika.Message:
    headers = {k: v for k, v in (message.headers or {}).items() if k not in _DEATH_HEADERS}
    if "x-error" in headers:
        headers["x-redriven-error"] = headers.pop("x-error")
    headers.pop("x-failed-at", None)
    headers["x-redriven-at"] = datetime.now(UTC).isoformat()
    return persistent_copy(message, headers)


async def redrive(amqp_url: str, queue: str, *, prefix: str = "", limit: int | None = None) -> int:
    """Move up to ``limit`` messages (default: all there now) from ``<prefix><queue>.dlq``; count moved."""
    target = f"{prefix}{queue}"
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        # Passive: redrive never creates queues; a typo fails instead of filling a new queue.
        await channel.declare_queue(target, passive=True)
        dlq = await channel.declare_queue(f"{target}.dlq", passive=True)
        # Bounded by the depth at start: a message that fails again at once must not loop forever here.
        budget = dlq.declaration_result.message_count or 0
        if limit is not None:
            budget = min(budget, limit)
        moved = 0
        while moved < budget:
            message = await dlq.get(no_ack=False, fail=False)
            if message is None:
                break
            await channel.default_exchange.publish(redriven_copy(message), routing_key=target, timeout=10)
            await message.ack()
            moved += 1
        return moved
    finally:
        await connection.close()


async def unpark_outbox(database_url: str, schema: str, ids: list[int] | None = None) -> int:
    """Unpark ``schema``'s parked outbox rows (all, or ``ids``) as the relay role; returns how many."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            return await unpark(conn, outbox_table(service_metadata(schema)), ids)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("queue", nargs="*", help="work queues, <consumer>.<handler> (without the prefix)")
    parser.add_argument(
        "--spec",
        action="append",
        default=[],
        metavar="MODULE:ATTRIBUTE",
        help="also redrive every queue of these QueueSpec lists (as the topology command takes them)",
    )
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument(
        "--amqp-url", default=os.environ.get("BATCHIVO_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    )
    parser.add_argument("--prefix", default=os.environ.get("BATCHIVO_AMQP_PREFIX", ""))
    parser.add_argument("--unpark-outbox", metavar="SCHEMA", help="unpark this service's parked outbox rows")
    parser.add_argument("--id", type=int, action="append", help="only these outbox row ids (repeatable)")
    parser.add_argument("--database-url", help="the relay role's DSN (default $<SCHEMA>_RELAY_DATABASE_URL)")
    args = parser.parse_args(argv)
    if args.unpark_outbox:
        schema = args.unpark_outbox
        url = args.database_url or os.environ.get(f"{schema.upper()}_RELAY_DATABASE_URL")
        if not url:
            parser.error(f"--database-url or ${schema.upper()}_RELAY_DATABASE_URL is required")
        count = asyncio.run(unpark_outbox(url, schema, args.id))
        print(f"unparked {count} outbox row(s) of {schema}")
        if not args.queue and not args.spec:
            return 0
    queues = list(args.queue) + [spec.name for ref in args.spec for spec in load_specs(ref)]
    if not queues:
        parser.error("name at least one queue or --spec")
    for queue in queues:
        moved = asyncio.run(redrive(args.amqp_url, queue, prefix=args.prefix, limit=args.limit))
        print(f"redrove {moved} message(s) from {args.prefix}{queue}.dlq to {args.prefix}{queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
