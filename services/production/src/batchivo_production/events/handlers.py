"""Handlers of the events production consumes: each validates the payload and calls the use case.

The consumer pipeline has already bound the event's tenant and recorded it in the inbox (a redelivery
never reaches these functions).
"""

from __future__ import annotations

from batchivo_common.contracts.catalog import ModelStateV1
from batchivo_common.contracts.inventory import SpoolStateV1, SpoolUsageReportedV1, UsageRecordedV1
from batchivo_common.messaging.envelope import EventEnvelope
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_production.printers.service import PrinterService
from batchivo_production.readmodels.service import ReadModels
from batchivo_production.runs.service import RunService


async def on_spool(session: AsyncSession, envelope: EventEnvelope) -> None:
    """``inventory.spool.*`` → the spool read model (highest version wins)."""
    payload = SpoolStateV1.model_validate(envelope.data)
    await ReadModels(session).apply_spool(
        envelope.tenant_id,
        envelope.aggregate_version or 0,
        payload,
        deleted=envelope.event_type.startswith("inventory.spool.deleted."),
    )


async def on_model(session: AsyncSession, envelope: EventEnvelope) -> None:
    """``catalog.model.*`` → the model read model and its BOM grams (highest version wins)."""
    payload = ModelStateV1.model_validate(envelope.data)
    await ReadModels(session).apply_model(
        envelope.tenant_id,
        envelope.aggregate_version or 0,
        payload,
        deleted=envelope.event_type.startswith("catalog.model.deleted."),
    )


async def on_usage_recorded(session: AsyncSession, envelope: EventEnvelope) -> None:
    """``inventory.usage.recorded.v1`` → the run's deduction outcome (matched by causation id)."""
    payload = UsageRecordedV1.model_validate(envelope.data)
    await RunService(session).record_deduction(
        envelope.tenant_id,
        payload.run_id,
        envelope.causation_id,
        [s.model_dump(mode="json") for s in payload.spools],
    )


async def on_usage_reported(session: AsyncSession, envelope: EventEnvelope) -> None:
    """``inventory.spool.usage_reported.v1`` → the printer linked to the reporting API key loads the spool
    (docs/adr/0021-printers-follow-their-api-key.md); no printer holds the key: nothing to do."""
    payload = SpoolUsageReportedV1.model_validate(envelope.data)
    await PrinterService(session).apply_usage_report(envelope.tenant_id, payload)
