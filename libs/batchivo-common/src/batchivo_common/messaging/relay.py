"""The outbox relay, design §2.4: claim → publish with confirms → mark, by one active relay per service.

Guarantee: at-least-once. A row is marked only after the broker confirmed it, in the transaction that
claimed it; a crash between the confirm and the commit republishes the same ``event_id`` on the next run,
and the consumers' inbox absorbs the duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import aio_pika
from aio_pika.abc import AbstractMessage
from opentelemetry.trace import SpanKind
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from batchivo_common.messaging.outbox import notify_channel
from batchivo_common.observability.tracing import extract_context, inject_context, tracer

log = logging.getLogger("batchivo.relay")

OUTBOX_BACKLOG = Gauge("batchivo_outbox_backlog", "Outbox rows not yet published.", ["service"])
OUTBOX_AGE = Histogram(
    "batchivo_outbox_age_seconds",
    "Time from the outbox insert to the broker's confirm.",
    ["service"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
)
OUTBOX_FAILURES = Counter(
    "batchivo_outbox_publish_failures_total", "Outbox rows whose publish failed.", ["service"]
)


class EventPublisher(Protocol):
    """Publishes to the events exchange and returns only once the broker confirmed (see AmqpPublisher)."""

    async def publish_event(self, routing_key: str, message: AbstractMessage) -> None: ...


@dataclass(frozen=True)
class OutboxRecord:
    id: int
    event_id: uuid.UUID
    event_type: str
    routing_key: str
    envelope: dict[str, Any]
    headers: dict[str, str]
    created_at: datetime


AfterPublish = Callable[[OutboxRecord], Awaitable[None]]


def build_message(record: OutboxRecord, headers: dict[str, str]) -> aio_pika.Message:
    """The AMQP message of a row: body = envelope, properties as design §2.3 lists them."""
    envelope = record.envelope
    return aio_pika.Message(
        body=json.dumps(envelope, separators=(",", ":")).encode(),
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=str(record.event_id),
        type=record.event_type,
        app_id=str(envelope.get("producer", "")) or None,
        timestamp=datetime.fromisoformat(envelope["occurred_at"]) if "occurred_at" in envelope else None,
        headers=dict(headers),
    )


class PublishFailed(RuntimeError):
    def __init__(self, record: OutboxRecord, cause: BaseException):
        super().__init__(f"publishing outbox row {record.id} ({record.event_type}) failed: {cause!r}")
        self.record, self.cause = record, cause


class OutboxRelay:
    """Runs in the worker as the ``<svc>_relay`` role; see the module doc and design §2.4.

    ``after_publish`` runs after each confirmed publish, before the row is marked: an exception there
    aborts the batch like a crash would (the transaction rolls back, nothing is marked), which is how the
    tests prove the duplicate path.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        table: Table,
        publisher: EventPublisher,
        advisory_lock_key: str,
        *,
        batch_size: int = 100,
        poll_seconds: float = 2.0,
        retention: timedelta = timedelta(days=7),
        purge_every_seconds: float = 3600.0,
        max_backoff_seconds: float = 30.0,
        after_publish: AfterPublish | None = None,
    ) -> None:
        if table.schema is None:
            raise ValueError("the outbox table must live in the service's schema")
        self.engine, self.table, self.publisher = engine, table, publisher
        self.advisory_lock_key = advisory_lock_key
        self.batch_size, self.poll_seconds = batch_size, poll_seconds
        self.retention, self.purge_every_seconds = retention, purge_every_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.after_publish = after_publish
        self.service = table.schema
        self.channel = notify_channel(table.schema)
        self._tracer = tracer(f"batchivo.{self.service}.relay")
        self._lock_conn: AsyncConnection | None = None
        self._wake = asyncio.Event()
        self.is_leader = False

    # --- leadership -------------------------------------------------------------------------------------

    async def try_acquire(self) -> bool:
        """Take the service's advisory lock on a dedicated connection and LISTEN there; False if held."""
        if self._lock_conn is not None:
            return True
        conn = await self.engine.connect()
        try:
            # Autocommit: the connection only holds a session-level lock and listens, and must not sit
            # idle in a transaction for hours.
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            driver = await self._driver(conn)
            if not await driver.fetchval("select pg_try_advisory_lock(hashtext($1))", self.advisory_lock_key):
                await conn.close()
                return False
            await driver.add_listener(self.channel, self._on_notify)
        except BaseException:
            await self._discard(conn)
            raise
        self._lock_conn, self.is_leader = conn, True
        log.info("relay is active", extra={"lock": self.advisory_lock_key})
        return True

    async def release(self) -> None:
        conn, self._lock_conn, self.is_leader = self._lock_conn, None, False
        if conn is not None:
            await self._discard(conn)

    async def _discard(self, conn: AsyncConnection) -> None:
        # Invalidate rather than return to the pool: closing the server session is what releases the
        # session-level advisory lock and the LISTEN, whatever state the connection is in.
        with contextlib.suppress(Exception):
            await conn.invalidate()
        with contextlib.suppress(Exception):
            await conn.close()

    @staticmethod
    async def _driver(conn: AsyncConnection) -> Any:
        raw = await conn.get_raw_connection()
        return raw.driver_connection

    async def _check_leadership(self) -> None:
        """Raise if the lock connection died: the lock went with it and another relay may now hold it."""
        if self._lock_conn is None:
            raise RuntimeError("relay is not the leader")
        driver = await self._driver(self._lock_conn)
        await asyncio.wait_for(driver.fetchval("select 1"), timeout=10)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    # --- one unit of work -------------------------------------------------------------------------------

    async def publish_batch(self) -> int:
        """Claim up to ``batch_size`` unpublished rows in ``id`` order, publish them, mark them, commit.

        Returns how many rows were published and marked. A publish failure marks what was confirmed
        before it, records the failure on the failing row (separate transaction) and raises PublishFailed.
        """
        t = self.table
        failure: PublishFailed | None = None
        async with self.engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(
                        t.c.id,
                        t.c.event_id,
                        t.c.event_type,
                        t.c.routing_key,
                        t.c.envelope,
                        t.c.headers,
                        t.c.created_at,
                    )
                    .where(t.c.published_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            published: list[int] = []
            for row in rows:
                record = OutboxRecord(
                    row.id,
                    row.event_id,
                    row.event_type,
                    row.routing_key,
                    row.envelope,
                    dict(row.headers or {}),
                    row.created_at,
                )
                try:
                    await self._publish(record)
                except Exception as exc:
                    # Stop here: publishing later rows first would break the outbox order.
                    failure = PublishFailed(record, exc)
                    break
                OUTBOX_AGE.labels(self.service).observe(
                    max(0.0, (datetime.now(UTC) - record.created_at).total_seconds())
                )
                if self.after_publish is not None:
                    await self.after_publish(record)
                published.append(record.id)
            if published:
                await conn.execute(update(t).where(t.c.id.in_(published)).values(published_at=func.now()))
        if failure is not None:
            OUTBOX_FAILURES.labels(self.service).inc()
            await self._record_failure(failure)
            raise failure
        return len(published)

    async def _publish(self, record: OutboxRecord) -> None:
        # The span continues the trace of the request that wrote the row; its context is what the
        # consumer continues from.
        with self._tracer.start_as_current_span(
            f"{record.event_type} publish",
            context=extract_context(record.headers),
            kind=SpanKind.PRODUCER,
            attributes={
                "messaging.system": "rabbitmq",
                "messaging.destination.name": record.routing_key,
                "messaging.message.id": str(record.event_id),
            },
        ):
            headers = dict(record.headers)
            inject_context(headers)
            await self.publisher.publish_event(record.routing_key, build_message(record, headers))

    async def _record_failure(self, failure: PublishFailed) -> None:
        t = self.table
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    update(t)
                    .where(t.c.id == failure.record.id)
                    .values(attempts=t.c.attempts + 1, last_error=str(failure.cause)[:2000])
                )
        except Exception:
            log.exception("could not record the publish failure", extra={"outbox_id": failure.record.id})

    async def drain(self) -> int:
        """Publish batches until the outbox is empty (raises PublishFailed on the first failure)."""
        total = 0
        while True:
            count = await self.publish_batch()
            total += count
            if count < self.batch_size:
                return total

    async def purge(self) -> int:
        """Delete rows published longer ago than ``retention``."""
        t = self.table
        async with self.engine.begin() as conn:
            result = await conn.execute(t.delete().where(t.c.published_at < func.now() - self.retention))
        return int(result.rowcount or 0)

    async def refresh_metrics(self) -> int:
        t = self.table
        async with self.engine.connect() as conn:
            backlog = int(
                (
                    await conn.execute(select(func.count()).select_from(t).where(t.c.published_at.is_(None)))
                ).scalar_one()
            )
        OUTBOX_BACKLOG.labels(self.service).set(backlog)
        return backlog

    # --- the loop ---------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Stand by until the lock is ours, then serve until cancelled; any failure restarts the cycle."""
        backoff = self.poll_seconds
        while True:
            try:
                async with self._leadership():
                    backoff = self.poll_seconds
                    await self._serve()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("relay cycle failed; retrying", extra={"backoff_s": backoff})
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff_seconds)

    @contextlib.asynccontextmanager
    async def _leadership(self) -> AsyncIterator[None]:
        while True:
            if await self.try_acquire():
                break
            await asyncio.sleep(self.poll_seconds)  # standby: another relay holds the lock
        try:
            yield
        finally:
            await self.release()

    async def _serve(self) -> None:
        backoff = 0.0
        last_purge = float("-inf")
        while True:
            await self._check_leadership()
            self._wake.clear()
            try:
                await self.drain()
                backoff = 0.0
            except PublishFailed as exc:
                backoff = min(max(backoff * 2, 1.0), self.max_backoff_seconds)
                log.warning("%s; backing off %.1fs", exc, backoff)
            if time.monotonic() - last_purge >= self.purge_every_seconds:
                purged = await self.purge()
                last_purge = time.monotonic()
                if purged:
                    log.info("purged published outbox rows", extra={"rows": purged})
            await self.refresh_metrics()
            if backoff:
                await asyncio.sleep(backoff)
            else:
                # A NOTIFY wakes us at once; the timeout is the fallback poll.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
