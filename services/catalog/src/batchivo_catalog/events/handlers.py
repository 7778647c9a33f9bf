"""Handlers of the events the catalog consumes: each validates the payload and calls the use case.

The consumer pipeline has already bound the event's tenant and recorded it in the inbox (a redelivery
never reaches these functions).
"""

from __future__ import annotations

from decimal import Decimal

from batchivo_common.contracts.inventory import FilamentTypeStateV1
from batchivo_common.contracts.production import RunCompletedV1, RunRevertedV1
from batchivo_common.messaging.envelope import EventEnvelope
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.materials.service import MaterialService
from batchivo_catalog.models.runs import Outcome, RunOutcomes


async def on_filament_type(session: AsyncSession, envelope: EventEnvelope) -> None:
    """``inventory.filament_type.{created,updated,deleted}.v1`` → the read model (highest version wins)."""
    payload = FilamentTypeStateV1.model_validate(envelope.data)
    version = envelope.aggregate_version or 0
    await MaterialService(session).apply_filament_type(
        envelope.tenant_id,
        payload.filament_type_id,
        version,
        payload.model_dump(),
        deleted=envelope.event_type.startswith("inventory.filament_type.deleted."),
    )


async def on_run_completed(session: AsyncSession, envelope: EventEnvelope) -> None:
    payload = RunCompletedV1.model_validate(envelope.data)
    label = f"run {payload.run_number}" if payload.run_number else "run completed"
    await RunOutcomes(session).completed(
        envelope.tenant_id,
        payload.run_id,
        envelope.event_id,
        (
            Outcome(
                m.model_id,
                m.successful_units,
                None if m.actual_unit_cost is None else Decimal(str(m.actual_unit_cost)),
            )
            for m in payload.models
        ),
        label,
    )


async def on_run_reverted(session: AsyncSession, envelope: EventEnvelope) -> None:
    payload = RunRevertedV1.model_validate(envelope.data)
    await RunOutcomes(session).reverted(envelope.tenant_id, payload.run_id, envelope.event_id, "run reverted")
