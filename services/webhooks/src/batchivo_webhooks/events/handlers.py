"""The one handler of the webhooks worker: an event of a tenant → a pending delivery per subscribed active
endpoint. The consumer pipeline has bound the event's tenant and recorded it in the inbox (a redelivered
message never gets here), and the unique ``(endpoint_id, event_id)`` makes even a replay harmless."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from batchivo_common.messaging.envelope import EventEnvelope
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_webhooks.deliveries.service import fan_out

log = logging.getLogger("batchivo.webhooks")


async def on_public_event(session: AsyncSession, envelope: EventEnvelope) -> None:
    created = await fan_out(
        session,
        tenant_id=envelope.tenant_id,
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        occurred_at=envelope.occurred_at,
        data=envelope.data,
        now=datetime.now(UTC),
    )
    if created:
        log.info(
            "queued webhook deliveries", extra={"deliveries": created, "event_type": envelope.event_type}
        )
