"""The handler pipeline, design §2.5 and §2.6, so a service's handler is only its use case.

For each delivery: parse the envelope (invalid or unknown type → DLQ at once), run as the event's tenant
in one transaction that first records the event in the inbox (a duplicate is committed and acked without
running the handler), then the handler, then commit, then ack. A failure is rejected without requeue,
so the queue's dead-letter exchange parks it in ``<queue>.retry`` for the TTL; the attempt that reaches
``max_attempts`` is published to ``<queue>.dlq`` (confirmed) and only then acked. At every step the
message is held by the broker, so none is lost.

Usage in a service's worker::

    on_tenant_created = QueueSpec("inventory", "tenant_defaults", ("auth.tenant.created.v1",))

    async def create_defaults(session: AsyncSession, event: EventEnvelope) -> None:
        payload = TenantCreatedV1.model_validate(event.data)
        await service.create_tenant_defaults(session, event.tenant_id, payload)

    create_worker(settings, ..., subscriptions=[(on_tenant_created, create_defaults)])
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractMessage
from faststream.middlewares import AckPolicy
from faststream.rabbit import QueueType, RabbitBroker, RabbitQueue
from faststream.rabbit.annotations import RabbitMessage
from opentelemetry.trace import SpanKind, Status, StatusCode
from pydantic import ValidationError
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from batchivo_common.db.tenancy import tenant_scope
from batchivo_common.messaging.envelope import EventEnvelope, UnknownEventType, current_causation
from batchivo_common.messaging.inbox import first_delivery
from batchivo_common.messaging.topology import Names, QueueSpec
from batchivo_common.observability.context import request_id
from batchivo_common.observability.tracing import extract_context, tracer

log = logging.getLogger("batchivo.consumer")

Handler = Callable[[AsyncSession, EventEnvelope], Awaitable[None]]

#: Reasons in ``x-death`` that count as a used attempt on a queue: our reject, and the quorum queue's
#: delivery limit (a consumer that died mid-message).
_ATTEMPT_REASONS = frozenset({"rejected", "delivery_limit"})


class PermanentError(Exception):
    """Raised by a handler for an event it can never process: the message goes to the DLQ at once."""


class InvalidEvent(PermanentError):
    """The body is not a valid envelope, or its payload does not match the registered contract."""


class Outcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    RETRY = "retry"
    DEAD_LETTERED = "dead_lettered"


class DeadLetterSink(Protocol):
    async def dead_letter(self, queue: str, message: AbstractMessage) -> None: ...


# --- log context ------------------------------------------------------------------------------------------

_current_event: ContextVar[EventEnvelope | None] = ContextVar("batchivo_current_event", default=None)
_log_factory_installed = False


def install_event_log_context() -> None:
    """Give every log record made while an event is handled its event_id and event_type.

    The JSON formatter prints extra record attributes, and already adds tenant_id (tenant ContextVar) and
    request_id, which the pipeline sets to the event's correlation_id.
    """
    global _log_factory_installed
    if _log_factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        event = _current_event.get()
        if event is not None:
            record.event_id = str(event.event_id)
            record.event_type = event.event_type
            record.correlation_id = event.correlation_id
        return record

    logging.setLogRecordFactory(factory)
    _log_factory_installed = True


@contextlib.contextmanager
def event_context(envelope: EventEnvelope) -> Iterator[None]:
    """Tenant, correlation and causation of ``envelope`` for the handler and any event it emits."""
    event_token = _current_event.set(envelope)
    request_token = request_id.set(envelope.correlation_id)
    causation_token = current_causation.set(str(envelope.event_id))
    try:
        with tenant_scope(envelope.tenant_id):
            yield
    finally:
        current_causation.reset(causation_token)
        request_id.reset(request_token)
        _current_event.reset(event_token)


# --- helpers ------------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def previous_attempts(headers: Mapping[str, Any], queue: str) -> int:
    """Failed attempts on ``queue`` so far, from the broker-maintained ``x-death`` header."""
    deaths = headers.get("x-death") or []
    total = 0
    for death in deaths if isinstance(deaths, list) else []:
        if not isinstance(death, Mapping):
            continue
        if _text(death.get("queue", "")) == queue and _text(death.get("reason", "")) in _ATTEMPT_REASONS:
            total += int(death.get("count", 1))
    return total


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
    headers["x-error"] = error[:2000]
    headers["x-failed-at"] = datetime.now(UTC).isoformat()
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

    @property
    def queue(self) -> str:
        return Names(self.prefix).queue(self.spec)

    async def process(self, message: AbstractIncomingMessage) -> Outcome:
        """Handle one delivery and settle it (ack, reject or dead-letter); never raises for the message."""
        try:
            envelope = parse_envelope(message.body)
        except InvalidEvent as exc:
            log.error(
                "invalid event, dead-lettered",
                extra={"message_id": message.message_id, "queue": self.queue, "error": str(exc)},
            )
            return await self._dead_letter(message, str(exc))

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
                duplicate = await self._apply(envelope)
            except Exception as exc:
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR))
                return await self._failed(message, exc)
            await message.ack()
            if duplicate:
                log.info("duplicate event ignored", extra={"queue": self.queue})
                return Outcome.DUPLICATE
            log.info("event processed", extra={"queue": self.queue})
            return Outcome.PROCESSED

    async def _apply(self, envelope: EventEnvelope) -> bool:
        """One transaction: inbox row + handler; True when the event was already handled."""
        async with self.sessionmaker() as session, session.begin():
            inbox = self.inbox
            if inbox is not None and not await first_delivery(session, inbox, self.spec.name, envelope):
                return True  # leaving the block commits (nothing but the tenant setting was touched)
            await self.handler(session, envelope)
        return False

    async def _failed(self, message: AbstractIncomingMessage, exc: Exception) -> Outcome:
        error = f"{type(exc).__name__}: {exc}"
        attempt = previous_attempts(message.headers or {}, self.queue) + 1
        if isinstance(exc, PermanentError | ValidationError) or attempt >= self.spec.max_attempts:
            log.error(
                "event failed for good, dead-lettered",
                exc_info=exc,
                extra={"queue": self.queue, "attempt": attempt},
            )
            return await self._dead_letter(message, error)
        log.warning("event failed, will retry", exc_info=exc, extra={"queue": self.queue, "attempt": attempt})
        await message.reject(requeue=False)
        return Outcome.RETRY

    async def _dead_letter(self, message: AbstractIncomingMessage, error: str) -> Outcome:
        try:
            await self.dead_letters.dead_letter(self.queue, dead_letter_message(message, error))
        except Exception:
            # Not confirmed: keep the message in the broker; it comes back through the retry queue.
            log.exception("could not dead-letter; retrying later", extra={"queue": self.queue})
            await message.reject(requeue=False)
            return Outcome.RETRY
        await message.ack()
        return Outcome.DEAD_LETTERED


def subscribe(broker: RabbitBroker, consumer: EventConsumer) -> None:
    """Register ``consumer`` on ``broker``: FastStream consumes, the pipeline settles every message."""
    install_event_log_context()
    queue = RabbitQueue(consumer.queue, queue_type=QueueType.QUORUM, declare=False)

    async def on_message(message: RabbitMessage) -> None:
        await consumer.process(message.raw_message)

    # FastStream names the handler (logs, metrics, AsyncAPI) after the function.
    on_message.__name__ = on_message.__qualname__ = f"{consumer.spec.consumer}_{consumer.spec.handler}"
    # declare=False: a passive check only; the queue, its arguments and bindings come from
    # topology.declare_all, which runs first. MANUAL: the pipeline settles every message itself.
    broker.subscriber(queue, ack_policy=AckPolicy.MANUAL, no_reply=True)(on_message)
