"""The outbox relay, design §2.4: claim → publish with confirms → mark, by one active relay per service.

Guarantee: at-least-once. A row is marked only after the broker confirmed it, in the transaction that
claimed it; a crash between the confirm and the commit republishes the same ``event_id`` on the next run,
and the consumers' inbox absorbs the duplicate.

Pipelined: a batch's messages are all published on the one confirming channel, in ``id`` order (a channel
keeps its publishes in order, and so does the broker), and only then are the confirms awaited, together
(``AmqpPublisher.publish_events``). One confirm round trip per batch instead of one per row: awaiting each
confirm before the next publish held the relay to the broker's round trip (~550 events/s to a quorum
queue on the dev box; bench/README.md, event_ceilings.py). The outcomes are then taken in ``id`` order and
marking stops at the first row that was not confirmed and not parked, exactly where the one-by-one relay
stopped: the rows after it stay unmarked even if the broker confirmed them, and are published again on the
next pass (duplicates the inbox absorbs; without pipelining they had not been sent yet). What that costs:
while a row is refused or the broker fails mid-batch, the rows behind it in that batch may reach consumers
before it and again after it (at-least-once already allowed the copies; consumers already keep the highest
``aggregate_version``). A pipelined failure that is not about one message (a channel closed, a confirm
timeout) fails every message in flight, so it is charged to no row, and the next batch is published one
row at a time, where a refusal is charged to the row that caused it; then pipelining resumes. A publisher
without ``publish_events`` (a test double) is always driven one row at a time.

A failed publish is one of two kinds. The broker is unreachable or slow (connection lost, confirm timeout):
the relay keeps the row first in line, records ``last_error`` and backs off — every row would fail the
same way, so nothing is counted against the row. The broker refused *this* row (a nack, a channel error
such as a message over the size limit) or the row cannot even be turned into a message (malformed,
over ``max_message_bytes``): ``attempts`` is incremented and after ``max_publish_attempts`` (malformed or
oversized rows at once) the row is *parked* (``parked_at``): skipped from then on, so later rows flow.
Parked rows are exported as ``batchivo_outbox_parked`` and alerted on; ``outbox.unpark`` puts them back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import aio_pika
import aiormq.exceptions
from aio_pika.abc import AbstractMessage
from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, StatusCode
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
OUTBOX_OLDEST = Gauge(
    "batchivo_outbox_oldest_age_seconds",
    "Age of the oldest outbox row still waiting to be published (parked rows excluded); 0 when none.",
    ["service"],
)
OUTBOX_PARKED = Gauge(
    "batchivo_outbox_parked", "Outbox rows parked because the broker kept refusing them.", ["service"]
)
#: A body above this is parked without trying (RabbitMQ's own limit, max_message_size, is 128 MiB).
DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class Unpublishable(Exception):
    """The row cannot be made into a message (malformed, too large): parked at once."""


def refused_by_broker(exc: BaseException) -> bool:
    """True when the broker refused this message (rather than being unreachable): counts against the row.

    A nack (``DeliveryError``/``PublishError``) or a channel-level error caused by the message, e.g.
    PRECONDITION_FAILED for a body over the broker's ``max_message_size``.
    """
    return isinstance(
        exc,
        Unpublishable
        | aiormq.exceptions.DeliveryError
        | aiormq.exceptions.PublishError
        | aiormq.exceptions.ChannelPreconditionFailed,
    )


def per_message(exc: BaseException) -> bool:
    """True when the failure concerns this message alone and the channel stays open: it never reached the
    broker (Unpublishable), or the broker nacked or returned it. The outcomes of the rows after it are their
    own; after any other failure (a channel closed on it, a timeout, a lost connection) they are not."""
    return isinstance(exc, Unpublishable | aiormq.exceptions.DeliveryError | aiormq.exceptions.PublishError)


class EventPublisher(Protocol):
    """Publishes to the events exchange and returns only once the broker confirmed (see AmqpPublisher)."""

    async def publish_event(self, routing_key: str, message: AbstractMessage) -> None: ...


@runtime_checkable
class PipelinedPublisher(Protocol):
    """Publishes many messages in order without awaiting each confirm, then awaits them all: one outcome
    per message, ``None`` when the broker confirmed it, else the exception (see AmqpPublisher)."""

    async def publish_events(
        self, messages: Sequence[tuple[str, AbstractMessage]]
    ) -> list[BaseException | None]: ...


class NotSent(Exception):
    """The outcome of a row that was never published: an earlier row of the batch failed first."""


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


def describe(exc: BaseException) -> str:
    """``Type: message``, even for an exception whose ``__str__`` fails (some client errors do)."""
    try:
        text = str(exc)
    except Exception:
        text = "(no description)"
    return f"{type(exc).__name__}: {text}"


class PublishFailed(RuntimeError):
    def __init__(self, record: OutboxRecord, cause: BaseException):
        super().__init__(f"publishing outbox row {record.id} ({record.event_type}) failed: {describe(cause)}")
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
        max_publish_attempts: int = 5,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
        after_publish: AfterPublish | None = None,
    ) -> None:
        if table.schema is None:
            raise ValueError("the outbox table must live in the service's schema")
        self.engine, self.table, self.publisher = engine, table, publisher
        self.advisory_lock_key = advisory_lock_key
        self.batch_size, self.poll_seconds = batch_size, poll_seconds
        self.retention, self.purge_every_seconds = retention, purge_every_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.max_publish_attempts, self.max_message_bytes = max_publish_attempts, max_message_bytes
        self.after_publish = after_publish
        self.service = table.schema
        self.channel = notify_channel(table.schema)
        self._tracer = tracer(f"batchivo.{self.service}.relay")
        self._lock_conn: AsyncConnection | None = None
        self._wake = asyncio.Event()
        self.is_leader = False
        #: Set when a pipelined batch lost its channel (or timed out): the next batch publishes one row at
        #: a time, so that a refusal is charged to the row that caused it.
        self._one_at_a_time = False

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
        async with asyncio.timeout(10):
            await driver.fetchval("select 1")

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    # --- one unit of work -------------------------------------------------------------------------------

    async def publish_batch(self) -> int:
        """Claim up to ``batch_size`` waiting rows in ``id`` order, publish them, mark them, commit.

        Returns how many rows were settled (published and marked, or parked). The rows are published
        pipelined (module doc); their outcomes are taken in ``id`` order. A failure that does not park the
        row stops the batch there (order kept): what was confirmed before it is marked, the failure is
        recorded on the row in the same transaction, and PublishFailed is raised after the commit. A row
        parked because the broker closed the channel on it also ends the batch (the rows after it failed
        with the channel, not by their own fault: they are not charged, and wait for the next pass).
        """
        t = self.table
        failure: PublishFailed | None = None
        parked = 0
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
                        t.c.attempts,
                    )
                    .where(t.c.published_at.is_(None), t.c.parked_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            records = [
                OutboxRecord(
                    row.id,
                    row.event_id,
                    row.event_type,
                    row.routing_key,
                    row.envelope,
                    dict(row.headers or {}),
                    row.created_at,
                )
                for row in rows
            ]
            pipelined = isinstance(self.publisher, PipelinedPublisher) and not self._one_at_a_time
            outcomes = await self._publish_all(records, pipelined=pipelined)
            self._one_at_a_time = False
            published: list[int] = []
            for row, record, outcome in zip(rows, records, outcomes, strict=True):
                if isinstance(outcome, NotSent):
                    break  # an earlier row ended the batch; this one waits, uncharged
                if outcome is not None:
                    OUTBOX_FAILURES.labels(self.service).inc()
                    alone = per_message(outcome)
                    # Pipelined, a closed channel or a timeout fails every message in flight, whichever
                    # caused it: recorded, not charged, and the next batch goes one row at a time (as
                    # before pipelining), where a refusal is charged to the row that caused it.
                    self._one_at_a_time = pipelined and not alone
                    charge = refused_by_broker(outcome) and (alone or not pipelined)
                    if isinstance(outcome, Exception) and await self._record_failure(
                        conn, record, row.attempts, outcome, charge=charge
                    ):
                        parked += 1
                        if alone:
                            continue  # parked: it no longer holds the line
                        break  # the rows after it failed with the channel: they wait, uncharged
                    # Stop here: marking later rows first would break the outbox order.
                    failure = PublishFailed(record, outcome)
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
            raise failure
        return len(published) + parked

    async def _publish_all(
        self, records: Sequence[OutboxRecord], *, pipelined: bool
    ) -> list[BaseException | None]:
        """Publish ``records`` in order, pipelined or one at a time; one outcome each (``None``: confirmed).
        Each message gets a producer span continuing the trace of the request that wrote the row; its
        context is what the consumer continues from."""
        spans: list[Span] = []
        outcomes: list[BaseException | None] = [None] * len(records)
        sendable: list[int] = []
        messages: list[tuple[str, AbstractMessage]] = []
        for i, record in enumerate(records):
            span = self._tracer.start_span(
                f"{record.event_type} publish",
                context=extract_context(record.headers),
                kind=SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "rabbitmq",
                    "messaging.destination.name": record.routing_key,
                    "messaging.message.id": str(record.event_id),
                },
            )
            spans.append(span)
            try:
                messages.append((record.routing_key, self._message(record, span)))
                sendable.append(i)
            except Unpublishable as exc:
                outcomes[i] = exc
        try:
            if pipelined and isinstance(self.publisher, PipelinedPublisher):
                results = await self.publisher.publish_events(messages)
            else:
                results = await self._one_by_one(messages)
            for i, result in zip(sendable, results, strict=True):
                outcomes[i] = result
        finally:
            for span, outcome in zip(spans, outcomes, strict=True):
                if outcome is not None and not isinstance(outcome, NotSent):
                    span.record_exception(outcome)
                    span.set_status(StatusCode.ERROR, describe(outcome))
                span.end()
        return outcomes

    def _message(self, record: OutboxRecord, span: Span) -> AbstractMessage:
        headers = dict(record.headers)
        inject_context(headers, trace.set_span_in_context(span))
        try:
            message = build_message(record, headers)
        except Exception as exc:
            raise Unpublishable(f"malformed outbox row: {type(exc).__name__}: {exc}") from exc
        if len(message.body) > self.max_message_bytes:
            raise Unpublishable(f"message of {len(message.body)} bytes is over {self.max_message_bytes}")
        return message

    async def _one_by_one(
        self, messages: Sequence[tuple[str, AbstractMessage]]
    ) -> list[BaseException | None]:
        """Each publish awaited before the next, none after the first failure (a publisher without
        ``publish_events``, or the batch after a pipelined one lost its channel)."""
        results: list[BaseException | None] = []
        for routing_key, message in messages:
            if results and results[-1] is not None:
                results.append(NotSent())
                continue
            try:
                await self.publisher.publish_event(routing_key, message)
                results.append(None)
            except Exception as exc:
                results.append(exc)
        return results

    async def _record_failure(
        self, conn: AsyncConnection, record: OutboxRecord, attempts: int, exc: Exception, *, charge: bool
    ) -> bool:
        """Record the failure on the row (in the batch's transaction); True when the row is now parked.
        ``charge``: the failure is the row's own (the broker refused it), so it counts against the row."""
        t = self.table
        error = describe(exc)[:2000]
        if not charge:
            # The broker is unreachable or slow, or the failure may be another row's: nothing counts
            # against this one.
            await conn.execute(update(t).where(t.c.id == record.id).values(last_error=error))
            return False
        attempts += 1
        park = isinstance(exc, Unpublishable) or attempts >= self.max_publish_attempts
        await conn.execute(
            update(t)
            .where(t.c.id == record.id)
            .values(attempts=attempts, last_error=error, parked_at=func.now() if park else None)
        )
        if park:
            log.error(
                "outbox row parked: the broker refused it %d time(s): %s",
                attempts,
                error,
                extra={"outbox_id": record.id, "event_id": str(record.event_id)},
            )
        return park

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
        """Backlog (waiting rows), parked rows and the oldest waiting row's age; returns the backlog."""
        t = self.table
        waiting = t.c.parked_at.is_(None)
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(
                        func.count().filter(waiting),
                        func.count().filter(t.c.parked_at.is_not(None)),
                        func.extract("epoch", func.now() - func.min(t.c.created_at).filter(waiting)),
                    ).where(t.c.published_at.is_(None))
                )
            ).one()
        backlog, parked = int(row[0]), int(row[1])
        OUTBOX_BACKLOG.labels(self.service).set(backlog)
        OUTBOX_PARKED.labels(self.service).set(parked)
        OUTBOX_OLDEST.labels(self.service).set(max(float(row[2] or 0), 0.0))
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
                # A NOTIFY wakes us at once; the timeout is the fallback poll. asyncio.timeout, not
                # wait_for: on Python 3.11 wait_for returns normally when the task is cancelled in the
                # tick after the wake-up, so the relay ignored its cancellation and ran on (a hung test).
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_seconds):
                        await self._wake.wait()
