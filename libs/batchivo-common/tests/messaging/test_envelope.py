"""The envelope: strict on itself, tolerant on data, registry-checked at both ends (no servers needed)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from batchivo_common.contracts.auth import TenantCreatedV1
from batchivo_common.messaging.consumer import InvalidEvent, parse_envelope, previous_attempts
from batchivo_common.messaging.envelope import (
    EventEnvelope,
    UnknownEventType,
    current_causation,
    new_event,
    payload_model,
    register_event,
    registered_event_types,
)
from batchivo_common.observability.context import request_id
from pydantic import ValidationError

TENANT_CREATED = "auth.tenant.created.v1"
DATA = {"name": "Acme Prints", "slug": "acme", "currency_code": "EUR"}


def test_round_trip_through_json_keeps_every_field() -> None:
    tenant, aggregate = uuid.uuid4(), uuid.uuid4()
    event = new_event(
        TENANT_CREATED,
        producer="auth",
        tenant_id=tenant,
        data=DATA,
        aggregate_id=aggregate,
        aggregate_version=1,
        causation_id="req-1",
    )
    parsed = parse_envelope(event.to_json_bytes())
    assert parsed == event
    assert parsed.tenant_id == tenant
    assert parsed.aggregate_id == aggregate
    assert parsed.aggregate_version == 1
    assert parsed.occurred_at.tzinfo is not None
    assert parsed.occurred_at.utcoffset() == timedelta(0)
    assert isinstance(parsed.payload(), TenantCreatedV1)
    assert parsed.payload() == TenantCreatedV1(**DATA)
    assert parsed.routing_key == TENANT_CREATED


def test_new_event_accepts_the_model_and_validates_data_at_the_producer() -> None:
    event = new_event(TENANT_CREATED, producer="auth", tenant_id=uuid.uuid4(), data=TenantCreatedV1(**DATA))
    assert event.data == DATA
    with pytest.raises(ValidationError):
        new_event(TENANT_CREATED, producer="auth", tenant_id=uuid.uuid4(), data={"name": "x"})
    with pytest.raises(UnknownEventType):
        new_event("auth.tenant.renamed.v7", producer="auth", tenant_id=uuid.uuid4(), data={})


def test_correlation_and_causation_come_from_the_context() -> None:
    rid_token = request_id.set("req-42")
    cause_token = current_causation.set("evt-1")
    try:
        event = new_event(TENANT_CREATED, producer="auth", tenant_id=uuid.uuid4(), data=DATA)
    finally:
        current_causation.reset(cause_token)
        request_id.reset(rid_token)
    assert (event.correlation_id, event.causation_id) == ("req-42", "evt-1")
    plain = new_event(TENANT_CREATED, producer="auth", tenant_id=uuid.uuid4(), data=DATA)
    assert (plain.correlation_id, plain.causation_id) == (None, None)


def _body(**changes: object) -> dict[str, object]:
    event = new_event(TENANT_CREATED, producer="auth", tenant_id=uuid.uuid4(), data=DATA)
    body = event.model_dump(mode="json")
    body.update(changes)
    return body


@pytest.mark.parametrize(
    "changes",
    [
        {"event_type": "Auth.Tenant.Created.v1"},
        {"event_type": "auth.tenant.created"},
        {"event_type": "auth.tenant.created.v1.extra"},
        {"occurred_at": "2026-01-01T10:00:00"},  # naive
        {"tenant_id": "not-a-uuid"},
        {"unexpected": 1},  # the envelope is strict
        {"data": ["not", "a", "dict"]},
    ],
)
def test_the_envelope_is_strict(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        EventEnvelope.model_validate(_body(**changes))


def test_data_is_tolerant_of_additive_fields_but_not_of_missing_ones() -> None:
    extra = EventEnvelope.model_validate(_body(data={**DATA, "added_in_a_later_release": True}))
    assert extra.payload() == TenantCreatedV1(**DATA)
    with pytest.raises(InvalidEvent):
        parse_envelope(EventEnvelope.model_validate(_body(data={"name": "x"})).to_json_bytes())


def test_occurred_at_is_normalised_to_utc() -> None:
    cet = datetime(2026, 1, 1, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    event = EventEnvelope.model_validate(_body(occurred_at=cet.isoformat()))
    assert event.occurred_at == cet
    assert event.occurred_at.utcoffset() == timedelta(0)


def test_parse_rejects_garbage_and_unknown_types_as_permanent_errors() -> None:
    with pytest.raises(InvalidEvent):
        parse_envelope(b"{not json")
    with pytest.raises(InvalidEvent, match="UnknownEventType"):
        parse_envelope(
            EventEnvelope.model_validate(_body(event_type="auth.tenant.vanished.v1")).to_json_bytes()
        )


def test_registry_contains_the_contracts_and_refuses_conflicts() -> None:
    assert TENANT_CREATED in registered_event_types()
    assert payload_model(TENANT_CREATED) is TenantCreatedV1
    with pytest.raises(ValueError, match="already registered"):
        register_event(TENANT_CREATED)(type("Other", (TenantCreatedV1,), {}))
    with pytest.raises(ValueError, match="does not match"):
        register_event("NotAType")


def test_attempts_are_counted_from_x_death_for_this_queue_only() -> None:
    headers = {
        "x-death": [
            {"queue": "p.inv.h", "reason": "rejected", "count": 2},
            {"queue": "p.inv.h.retry", "reason": "expired", "count": 2},
            {"queue": "p.other.h", "reason": "rejected", "count": 7},
            {"queue": b"p.inv.h", "reason": b"delivery_limit", "count": 1},
        ]
    }
    assert previous_attempts(headers, "p.inv.h") == 3
    assert previous_attempts({}, "p.inv.h") == 0
