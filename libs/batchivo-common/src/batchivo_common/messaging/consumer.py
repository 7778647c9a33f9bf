"""The handler pipeline, design §2.5 and §2.6, so a service's handler is only its use case.

For each delivery: first check how often it was already delivered without being settled (the quorum
queue's ``x-delivery-count``: the worker died or hung while handling it) plus the failed attempts carried
in its headers; a message that used up ``max_attempts`` goes to ``<queue>.dlq`` before the handler runs
again. Then parse the envelope (invalid or unknown type → DLQ at once), run as the event's tenant in one
transaction that records the event in the inbox (a duplicate is committed and acked without running the
handler), checks the subscription's ordering prerequisite, runs the handler, commits, then acks.

A failure is classified:

- a dependency is down (connection refused or lost, pool timeout, serialization failure, deadlock, the
  broker, or any error while the database does not answer a ping): *transient*, retried for as long as it
  takes with capped exponential back-off, never counted toward the DLQ;
- a prerequisite event is not applied yet (:class:`NotReady`): retried the same way, up to the ordering's
  ``max_wait``;
- :class:`PermanentError` or a pydantic ``ValidationError``: DLQ at once;
- anything else (a programming error): counted; the attempt that reaches ``max_attempts`` goes to the DLQ.

A retry is a confirmed publish of a copy to ``batchivo.retry`` / ``<queue>.retry.<delay>`` (a TTL queue
that dead-letters back to ``<queue>``), carrying the counters in ``x-batchivo-*`` headers, and only then
the ack. If that publish fails the message is rejected, so the work queue's dead-letter exchange parks it in
``<queue>.retry`` instead. At every step the message is held by the broker, so none is lost.

Usage in a service's worker::

    on_tenant_created = QueueSpec("inventory", "tenant_defaults", ("auth.tenant.created.v1",))

    async def create_defaults(session: AsyncSession, event: EventEnvelope) -> None:
        payload = TenantCreatedV1.model_validate(event.data)
        await service.create_tenant_defaults(session, event.tenant_id, payload)

    create_worker(settings, ..., subscriptions=[(on_tenant_created, create_defaults)])
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import aio_pika
import aiormq.exceptions
import sqlalchemy.exc
from aio_pika.abc import AbstractIncomingMessage, AbstractMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import QueueType, RabbitBroker, RabbitQueue
from faststream.rabbit.annotations import RabbitMessage
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter
from pydantic import ValidationError
from sqlalchemy import Table, and_, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from batchivo_common.db.tenancy import tenant_scope
from batchivo_common.messaging.envelope import EventEnvelope, UnknownEventType, current_causation
from batchivo_common.messaging.inbox import first_delivery
from batchivo_common.messaging.topology import DELIVERY_LIMIT_MARGIN, Names, QueueSpec
from batchivo_common.observability.context import event_fields, request_id
from batchivo_common.observability.tracing import extract_context, tracer

log = logging.getLogger("batchivo.consumer")

Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]

#: Reasons in ``x-death`` that count as a used attempt on a queue: our reject, and the quorum queue's
#: delivery limit (a consumer that died mid-message).
_ATTEMPT_REASONS = frozenset({"rejected", "delivery_limit"})

#: The counters a retried copy carries (the broker's ``x-delivery-count`` starts afresh on every copy).
RETRIES_HEADER = "x-batchivo-retries"  # retries so far, of any kind: picks the back-off tier
ATTEMPTS_HEADER = "x-batchivo-attempts"  # handler runs that failed with a counted (non-transient) error
CRASHES_HEADER = "x-batchivo-crashes"  # deliveries that ended with no settlement (the worker died or hung)
LAST_ERROR_HEADER = "x-batchivo-last-error"
#: Dropped by a redrive (scripts/redrive_dlq.py) so a redriven message gets its full budget again.
RETRY_STATE_HEADERS = (RETRIES_HEADER, ATTEMPTS_HEADER, CRASHES_HEADER, LAST_ERROR_HEADER, "x-delivery-count")

#: SQLSTATEs of a database that is down, overloaded or in the way, not of a bad statement: connection
#: exceptions (08), insufficient resources (53), operator intervention (57P01-03: shutdown, cannot connect
#: now), serialization failure, deadlock, lock not available, statement timeout/cancel.
_TRANSIENT_SQLSTATES = ("08", "53", "57P0", "40001", "40P01", "55P03", "57014")

RETRIES = Counter(
    "batchivo_consumer_retries_total",
    "Deliveries sent back for a later retry, by why: transient (a dependency is down), waiting (an ordering "
    "prerequisite is not applied yet) or failure (a counted handler error).",
    ["queue", "reason"],
)
DEAD_LETTERS = Counter(
    "batchivo_consumer_dead_letters_total",
    "Messages the consumer moved to a DLQ, by why: invalid, permanent, exhausted, crash_loop, prerequisite.",
    ["queue", "reason"],
)


class PermanentError(Exception):
    """Raised by a handler for an event it can never process: the message goes to the DLQ at once."""


class InvalidEvent(PermanentError):
    """The body is not a valid envelope, or its payload does not match the registered contract."""


class TransientError(Exception):
    """Raised by a handler when a dependency is unavailable: retried with back-off, never dead-lettered."""


class NotReady(TransientError):
    """An ordering prerequisite of the event is not applied yet: retried until it is (or ``max_wait``)."""


class PrerequisiteMissing(PermanentError):
    """An ordering prerequisite was still missing after ``max_wait``: the event goes to the DLQ."""


class HandlerTimeout(Exception):
    """The handler ran longer than the consumer's ``handler_timeout`` (it was cancelled)."""


class Outcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    RETRY = "retry"
    DEAD_LETTERED = "dead_lettered"


class DeadLetterSink(Protocol):
    """Where the pipeline republishes: ``<queue>.dlq`` and the retry tiers (AmqpPublisher, confirmed)."""

    async def dead_letter(self, queue: str, message: AbstractMessage) -> None: ...

    async def retry(self, tier_queue: str, message: AbstractMessage) -> None: ...


@dataclass(frozen=True)
class Ordering:
    """Apply an event only after its predecessor for the same aggregate (events travel on separate queues).

    ``key`` names the aggregate (recorded in the inbox's ``aggregate_key`` for every event of the
    subscription); with ``after`` the event waits until the inbox holds more applied events of those types
    for the key than earlier events of its own type (so completed → reverted → completed → reverted pairs
    up). A waiting event is retried with back-off (never counted); after ``max_wait`` from its
    ``occurred_at`` it goes to the DLQ (its predecessor is lost or itself dead-lettered: redrive that one
    first, then this one).
    """

    key: Callable[[EventEnvelope], str | None]
    after: tuple[str, ...] = ()
    max_wait: timedelta = timedelta(hours=24)


def aggregate_id_key(envelope: EventEnvelope) -> str | None:
    """The default aggregate key: the envelope's ``aggregate_id``."""
    return str(envelope.aggregate_id) if envelope.aggregate_id is not None else None


def is_transient(exc: BaseException) -> bool:
    """True when ``exc`` (or anything in its cause/context chain) says a dependency is down or in the way."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, TransientError | OSError | TimeoutError):  # ConnectionError ⊂ OSError
            return True
        if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, sqlalchemy.exc.TimeoutError | sqlalchemy.exc.DisconnectionError):
            return True  # the pool's checkout timeout; a connection the pool found dead
        if isinstance(
            error, aiormq.exceptions.AMQPConnectionError | aiormq.exceptions.ChannelInvalidStateError
        ):
            return True
        state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(state, str) and state.startswith(_TRANSIENT_SQLSTATES):
            return True
        pending.extend((error.__cause__, error.__context__))
    return False


# --- log context ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def event_context(envelope: EventEnvelope) -> Iterator[None]:
    """Tenant, correlation and causation of ``envelope`` for the handler and any event it emits."""
    fields = {"event_id": str(envelope.event_id), "event_type": envelope.event_type}
    if envelope.correlation_id is not None:
        fields["correlation_id"] = envelope.correlation_id
    event_token = event_fields.set(fields)
    request_token = request_id.set(envelope.correlation_id)
    causation_token = current_causation.set(str(envelope.event_id))
    try:
        with tenant_scope(envelope.tenant_id):
            yield
    finally:
        current_causation.reset(causation_token)
        request_id.reset(request_token)
        event_fields.reset(event_token)


# --- helpers ------------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def previous_attempts(
    headers: Mapping[str, Any], queue: str, reasons: frozenset[str] = _ATTEMPT_REASONS
) -> int:
    """Dead-letterings from ``queue`` for ``reasons``, from the broker-maintained ``x-death`` header."""
    deaths = headers.get("x-death") or []
    total = 0
    for death in deaths if isinstance(deaths, list) else []:
        if not isinstance(death, Mapping):
            continue
        if _text(death.get("queue", "")) == queue and _text(death.get("reason", "")) in reasons:
            total += int(death.get("count", 1))
    return total


def _int_header(headers: Mapping[str, Any], name: str) -> int:
    value = headers.get(name)
    try:
        return max(int(value), 0) if value is not None else 0
    except (TypeError, ValueError):
        return 0


@dataclass(frozen=True)
class DeliveryCounts:
    """What a delivery has used of its budget so far, read before the handler runs."""

    retries: int  # earlier retries of any kind (picks the back-off tier)
    attempts: int  # earlier handler runs that failed with a counted error
    crashes: int  # earlier deliveries that were never settled: the worker died or hung

    @classmethod
    def of(cls, headers: Mapping[str, Any], queue: str, delivery_limit: int) -> DeliveryCounts:
        # x-delivery-count: how often this copy was delivered from ``queue`` and returned unsettled (the
        # consumer's channel closed: a crash, a kill after a hang, the broker's consumer timeout). A
        # delivery-limit dead-lettering (the broker's safety net) means the limit was exhausted already.
        limit_deaths = previous_attempts(headers, queue, frozenset({"delivery_limit"}))
        return cls(
            retries=_int_header(headers, RETRIES_HEADER),
            attempts=_int_header(headers, ATTEMPTS_HEADER),
            crashes=_int_header(headers, CRASHES_HEADER)
            + _int_header(headers, "x-delivery-count")
            + limit_deaths * (delivery_limit + 1),
        )

    @property
    def used(self) -> int:
        return self.attempts + self.crashes


def parse_envelope(body: bytes) -> EventEnvelope:
    """The envelope, with its payload checked against the registered contract (permanent errors raise)."""
    try:
        envelope = EventEnvelope.model_validate_json(body)
        envelope.payload()
    except (ValidationError, UnknownEventType) as exc:
        raise InvalidEvent(f"{type(exc).__name__}: {exc}") from exc
    return envelope


def persistent_copy(message: AbstractIncomingMessage, headers: dict[str, Any]) -> aio_pika.Message:
    """A persistent copy of ``message`` (body and properties) with ``headers``: for re-publishing it."""
    return aio_pika.Message(
        body=message.body,
        headers=headers,
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=message.message_id,
        type=message.type,
        app_id=message.app_id,
        timestamp=message.timestamp,
        correlation_id=message.correlation_id,
    )


def dead_letter_message(message: AbstractIncomingMessage, error: str) -> aio_pika.Message:
    """A persistent copy of ``message`` (body, properties, headers) with the reason it failed."""
    headers = dict(message.headers or {})
    headers.pop("x-delivery-count", None)
    headers["x-error"] = error[:2000]
    headers["x-failed-at"] = datetime.now(UTC).isoformat()
    return persistent_copy(message, headers)


def retry_message(message: AbstractIncomingMessage, counts: DeliveryCounts, error: str) -> aio_pika.Message:
    """A persistent copy of ``message`` for the next retry, carrying the updated counters."""
    headers = dict(message.headers or {})
    headers.pop("x-delivery-count", None)  # the queue sets it afresh on the copy
    headers[RETRIES_HEADER] = counts.retries
    headers[ATTEMPTS_HEADER] = counts.attempts
    headers[CRASHES_HEADER] = counts.crashes
    headers[LAST_ERROR_HEADER] = error[:2000]
    return persistent_copy(message, headers)


def _string_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    return {k: _text(v) for k, v in headers.items() if isinstance(v, str | bytes)}


# --- the pipeline -------------------------------------------------------------------------------------------


@dataclass
class EventConsumer:
    spec: QueueSpec
    handler: Handler
    sessionmaker: async_sessionmaker[AsyncSession]
    inbox: Table | None
    dead_letters: DeadLetterSink
    prefix: str = ""
    ordering: Ordering | None = None
    #: A handler still running after this long is cancelled and treated as a failed attempt (or as
    #: transient when the database does not answer then).
    handler_timeout: float = 300.0
    #: How long the database ping that classifies an unknown error may take.
    ping_timeout: float = 5.0

    @property
    def queue(self) -> str:
        return Names(self.prefix).queue(self.spec)

    @property
    def delivery_limit(self) -> int:
        return self.spec.max_attempts + DELIVERY_LIMIT_MARGIN

    async def process(self, message: AbstractIncomingMessage) -> Outcome:
        """Handle one delivery and settle it (ack, retry or dead-letter); never raises for the message."""
        counts = DeliveryCounts.of(message.headers or {}, self.queue, self.delivery_limit)
        if counts.used >= self.spec.max_attempts:
            last_error = _text((message.headers or {}).get(LAST_ERROR_HEADER, "-"))
            # Checked before the handler runs: a message that kills the process never gets to an except.
            error = (
                f"CrashLoop: {counts.used} earlier attempts of {self.spec.max_attempts} used, "
                f"{counts.crashes} of them deliveries that were never settled (the worker died or hung "
                f"while handling it); last error: {last_error}"
            )
            log.error(
                "event crash-looped, dead-lettered",
                extra={"message_id": message.message_id, "queue": self.queue, "crashes": counts.crashes},
            )
            return await self._dead_letter(message, error, "crash_loop")
        try:
            envelope = parse_envelope(message.body)
        except InvalidEvent as exc:
            log.error(
                "invalid event, dead-lettered",
                extra={"message_id": message.message_id, "queue": self.queue, "error": str(exc)},
            )
            return await self._dead_letter(message, str(exc), "invalid")

        headers = _string_headers(message.headers or {})
        span_name = f"{envelope.event_type} process"
        with (
            event_context(envelope),
            tracer(f"batchivo.{self.spec.consumer}.consumer").start_as_current_span(
                span_name,
                context=extract_context(headers),
                kind=SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "rabbitmq",
                    "messaging.destination.name": self.queue,
                    "messaging.message.id": str(envelope.event_id),
                },
            ) as span,
        ):
            try:
                duplicate = await self._apply_in_time(envelope)
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR))
                return await self._failed(message, envelope, counts, exc)
            await message.ack()
            if duplicate:
                log.info("duplicate event ignored", extra={"queue": self.queue})
                return Outcome.DUPLICATE
            log.info("event processed", extra={"queue": self.queue})
            return Outcome.PROCESSED

    async def _apply_in_time(self, envelope: EventEnvelope) -> bool:
        deadline = asyncio.timeout(self.handler_timeout)
        try:
            async with deadline:
                return await self._apply(envelope)
        except TimeoutError:
            if deadline.expired():
                raise HandlerTimeout(f"the handler ran longer than {self.handler_timeout:g}s") from None
            raise

    async def _apply(self, envelope: EventEnvelope) -> bool:
        """One transaction: inbox row + ordering check + handler; True when the event was already handled."""
        ordering = self.ordering
        key = ordering.key(envelope) if ordering is not None else aggregate_id_key(envelope)
        async with self.sessionmaker() as session, session.begin():
            inbox = self.inbox
            if inbox is not None and not await first_delivery(
                session, inbox, self.spec.name, envelope, aggregate_key=key
            ):
                return True  # leaving the block commits (nothing but the tenant setting was touched)
            if ordering is not None and ordering.after:
                await self._check_order(session, envelope, ordering, key)
            await self.handler(session, envelope)
        return False

    async def _check_order(
        self, session: AsyncSession, envelope: EventEnvelope, ordering: Ordering, key: str | None
    ) -> None:
        if self.inbox is None or key is None:
            raise PermanentError(f"{envelope.event_type}: ordering needs the inbox and an aggregate key")
        inbox = self.inbox
        before = func.count().filter(inbox.c.event_type.in_(ordering.after))
        own = func.count().filter(
            and_(inbox.c.event_type == envelope.event_type, inbox.c.event_id != envelope.event_id)
        )
        row = (
            await session.execute(
                select(before, own).where(
                    inbox.c.tenant_id == envelope.tenant_id,
                    inbox.c.aggregate_key == key,
                    inbox.c.event_type.in_((*ordering.after, envelope.event_type)),
                )
            )
        ).one()
        applied_before, applied_own = int(row[0]), int(row[1])
        if applied_before > applied_own:
            return
        waited = datetime.now(UTC) - envelope.occurred_at
        detail = (
            f"{envelope.event_type} for {key} needs one of {', '.join(ordering.after)} applied first "
            f"({applied_before} applied, {applied_own} earlier {envelope.event_type})"
        )
        if waited > ordering.max_wait:
            raise PrerequisiteMissing(f"{detail}; gave up after waiting {waited}")
        raise NotReady(detail)

    async def _transient(self, exc: Exception) -> bool:
        if is_transient(exc):
            return True
        # An error we do not recognise while the database does not answer is blamed on the database.
        try:
            async with asyncio.timeout(self.ping_timeout):
                async with self.sessionmaker() as session:
                    await session.execute(text("select 1"))
        except Exception:
            return True
        return False

    async def _failed(
        self,
        message: AbstractIncomingMessage,
        envelope: EventEnvelope,
        counts: DeliveryCounts,
        exc: Exception,
    ) -> Outcome:
        error = f"{type(exc).__name__}: {exc}"
        extra = {"queue": self.queue, "attempt": counts.used + 1, "retries": counts.retries}
        if isinstance(exc, PermanentError | ValidationError):
            log.error("event failed permanently, dead-lettered", exc_info=exc, extra=extra)
            reason = "prerequisite" if isinstance(exc, PrerequisiteMissing) else "permanent"
            return await self._dead_letter(message, error, reason)
        if isinstance(exc, NotReady):
            log.info("event waits for its predecessor: %s", exc, extra=extra)
            return await self._retry(message, counts, error, "waiting")
        if await self._transient(exc):
            log.warning("a dependency is unavailable, will retry", exc_info=exc, extra=extra)
            return await self._retry(message, counts, error, "transient")
        attempts = counts.attempts + 1
        if counts.used + 1 >= self.spec.max_attempts:
            log.error("event failed for good, dead-lettered", exc_info=exc, extra=extra)
            return await self._dead_letter(message, error, "exhausted")
        log.warning("event failed, will retry", exc_info=exc, extra=extra)
        return await self._retry(
            message, DeliveryCounts(counts.retries, attempts, counts.crashes), error, "failure"
        )

    async def _retry(
        self, message: AbstractIncomingMessage, counts: DeliveryCounts, error: str, reason: str
    ) -> Outcome:
        delay = self.spec.retry_delay_ms(counts.retries)
        tier = Names(self.prefix).retry_tier_queue(self.spec, delay)
        copy = retry_message(
            message, DeliveryCounts(counts.retries + 1, counts.attempts, counts.crashes), error
        )
        RETRIES.labels(self.queue, reason).inc()
        try:
            await self.dead_letters.retry(tier, copy)
        except Exception:
            # Not confirmed: the work queue's dead-letter exchange parks it in <queue>.retry instead.
            log.exception("could not publish the retry; rejecting to .retry", extra={"queue": self.queue})
            await message.reject(requeue=False)
            return Outcome.RETRY
        await message.ack()
        return Outcome.RETRY

    async def _dead_letter(self, message: AbstractIncomingMessage, error: str, reason: str) -> Outcome:
        try:
            await self.dead_letters.dead_letter(self.queue, dead_letter_message(message, error))
        except Exception:
            # Not confirmed: keep the message in the broker; it comes back through the retry queue.
            log.exception("could not dead-letter; retrying later", extra={"queue": self.queue})
            await message.reject(requeue=False)
            return Outcome.RETRY
        DEAD_LETTERS.labels(self.queue, reason).inc()
        await message.ack()
        return Outcome.DEAD_LETTERED


def subscribe(broker: RabbitBroker, consumer: EventConsumer) -> None:
    """Register ``consumer`` on ``broker``: FastStream consumes, the pipeline settles every message."""
    queue = RabbitQueue(consumer.queue, queue_type=QueueType.QUORUM, declare=False)

    async def on_message(message: RabbitMessage) -> None:
        await consumer.process(message.raw_message)

    # FastStream names the handler (logs, metrics, AsyncAPI) after the function.
    on_message.__name__ = on_message.__qualname__ = f"{consumer.spec.consumer}_{consumer.spec.handler}"
    # declare=False: a passive check only; the queue, its arguments and bindings come from
    # topology.declare_all, which runs first. MANUAL: the pipeline settles every message itself.
    broker.subscriber(queue, ack_policy=AckPolicy.MANUAL, no_reply=True)(on_message)
