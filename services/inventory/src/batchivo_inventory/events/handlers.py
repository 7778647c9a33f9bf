"""Handlers of the production run events: each one validates the payload and calls the use case.

The consumer pipeline has already bound the event's tenant and recorded it in the inbox (a redelivery
never reaches these functions).
"""

from __future__ import annotations

import uuid

from batchivo_common.contracts.production import RunCancelledV1, RunCompletedV1, RunFailedV1, RunRevertedV1
from batchivo_common.messaging.envelope import EventEnvelope
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.spools.rules import Kind
from batchivo_inventory.spools.runs import RunBookings, RunEvent


def _event(envelope: EventEnvelope, run_id: uuid.UUID) -> RunEvent:
    return RunEvent(envelope.tenant_id, envelope.event_id, envelope.event_type, run_id)


async def on_run_completed(session: AsyncSession, envelope: EventEnvelope) -> None:
    payload = RunCompletedV1.model_validate(envelope.data)
    label = f"run {payload.run_number}" if payload.run_number else "run completed"
    await RunBookings(session).consume(
        _event(envelope, payload.run_id),
        ((m.spool_id, m.grams) for m in payload.materials),
        Kind.usage,
        label,
    )


async def on_run_failed(session: AsyncSession, envelope: EventEnvelope) -> None:
    payload = RunFailedV1.model_validate(envelope.data)
    reason = f"run failed: {payload.reason}"[:200] if payload.reason else "run failed"
    await RunBookings(session).consume(
        _event(envelope, payload.run_id),
        ((m.spool_id, m.waste_grams) for m in payload.materials),
        Kind.waste,
        reason,
    )


async def on_run_cancelled(session: AsyncSession, envelope: EventEnvelope) -> None:
    payload = RunCancelledV1.model_validate(envelope.data)
    await RunBookings(session).consume(
        _event(envelope, payload.run_id),
        ((m.spool_id, m.grams) for m in payload.materials),
        Kind.usage,
        "run cancelled",
    )


async def on_run_reverted(session: AsyncSession, envelope: EventEnvelope) -> None:
    payload = RunRevertedV1.model_validate(envelope.data)
    await RunBookings(session).give_back(
        _event(envelope, payload.run_id), ((m.spool_id, m.grams) for m in payload.materials)
    )
