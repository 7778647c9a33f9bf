"""The event envelope (strict) and the registry of payload models (tolerant), design §2.3.

The envelope refuses unknown fields and malformed values because every consumer's routing, tenancy and
deduplication depend on it. ``data`` stays a plain dict on the wire: each consumer validates it against the
registered payload model, which ignores unknown fields so additive changes need no new version (§2.7).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from batchivo_common.observability.context import request_id

#: ``<producer>.<aggregate>.<past_verb>.v<N>``; also the routing key.
EVENT_TYPE_PATTERN = r"^[a-z_]+\.[a-z_]+\.[a-z_]+\.v[0-9]+$"
_EVENT_TYPE = re.compile(EVENT_TYPE_PATTERN)

#: The event being handled, set by the consumer pipeline so events emitted by a handler carry
#: ``causation_id = <that event's id>`` without the handler passing it along.
current_causation: ContextVar[str | None] = ContextVar("batchivo_causation_id", default=None)


class EventPayload(BaseModel):
    """Base of every contract model: unknown fields are ignored (additive changes keep the version)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class EventEnvelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: uuid.UUID
    event_type: str = Field(pattern=EVENT_TYPE_PATTERN, max_length=255)
    occurred_at: AwareDatetime
    producer: str = Field(min_length=1, max_length=64)
    tenant_id: uuid.UUID
    aggregate_id: uuid.UUID | None = None
    aggregate_version: int | None = Field(default=None, ge=0)
    correlation_id: str | None = Field(default=None, max_length=255)
    causation_id: str | None = Field(default=None, max_length=255)
    data: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        # One representation on the wire whatever offset the producer used.
        return value.astimezone(UTC)

    @property
    def routing_key(self) -> str:
        return self.event_type

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    def payload(self) -> EventPayload:
        """``data`` validated against the registered model (raises :class:`UnknownEventType`)."""
        return payload_model(self.event_type).model_validate(self.data)


class UnknownEventType(LookupError):
    """No payload model is registered for this event type (a permanent error for a consumer)."""


_REGISTRY: dict[str, type[EventPayload]] = {}
P = TypeVar("P", bound=type[EventPayload])


def register_event(event_type: str) -> Callable[[P], P]:
    """Class decorator: ``@register_event("auth.tenant.created.v1")`` on a contract model."""
    if not _EVENT_TYPE.match(event_type):
        raise ValueError(f"event type {event_type!r} does not match {EVENT_TYPE_PATTERN}")

    def decorate(model: P) -> P:
        existing = _REGISTRY.get(event_type)
        if existing is not None and existing is not model:
            raise ValueError(f"event type {event_type!r} is already registered to {existing.__qualname__}")
        _REGISTRY[event_type] = model
        return model

    return decorate


def payload_model(event_type: str) -> type[EventPayload]:
    _load_contracts()
    try:
        return _REGISTRY[event_type]
    except KeyError:
        raise UnknownEventType(event_type) from None


def registered_event_types() -> frozenset[str]:
    _load_contracts()
    return frozenset(_REGISTRY)


def _load_contracts() -> None:
    # Imported lazily (contracts import this module to register) so a lookup never misses a contract
    # only because nobody imported its module yet.
    import batchivo_common.contracts  # noqa: F401


def new_event(
    event_type: str,
    *,
    producer: str,
    tenant_id: uuid.UUID,
    data: dict[str, Any] | EventPayload,
    aggregate_id: uuid.UUID | None = None,
    aggregate_version: int | None = None,
    causation_id: str | None = None,
    correlation_id: str | None = None,
) -> EventEnvelope:
    """Build an envelope, validating ``data`` against the registered model now, at the producer.

    ``correlation_id`` defaults to the current request id (in a handler: the incoming event's correlation
    id), ``causation_id`` to the event being handled, so chains are tracked without plumbing.
    """
    model = payload_model(event_type)
    payload = (
        data
        if isinstance(data, model)
        else model.model_validate(data.model_dump() if isinstance(data, BaseModel) else data)
    )
    return EventEnvelope(
        event_id=uuid.uuid4(),
        event_type=event_type,
        occurred_at=datetime.now(UTC),
        producer=producer,
        tenant_id=tenant_id,
        aggregate_id=aggregate_id,
        aggregate_version=aggregate_version,
        correlation_id=correlation_id if correlation_id is not None else request_id.get(),
        causation_id=causation_id if causation_id is not None else current_causation.get(),
        data=payload.model_dump(mode="json"),
    )
