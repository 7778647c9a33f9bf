"""Creating deliveries: one per endpoint and event, its body fixed once (the same bytes on every attempt)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_webhooks.models import Delivery, Endpoint
from batchivo_webhooks.rules import Status
from batchivo_webhooks.signing import build_payload


def new_delivery(
    *,
    endpoint_id: uuid.UUID,
    tenant_id: uuid.UUID,
    event_id: uuid.UUID,
    event_type: str,
    occurred_at: datetime,
    data: Mapping[str, Any],
    now: datetime,
) -> Delivery:
    delivery_id = uuid.uuid4()
    return Delivery(
        id=delivery_id,
        tenant_id=tenant_id,
        endpoint_id=endpoint_id,
        event_id=event_id,
        event_type=event_type,
        payload=build_payload(
            delivery_id=str(delivery_id),
            event_id=str(event_id),
            event_type=event_type,
            occurred_at=occurred_at,
            tenant_id=str(tenant_id),
            data=data,
        ),
        status=Status.pending.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )


async def fan_out(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    event_id: uuid.UUID,
    event_type: str,
    occurred_at: datetime,
    data: Mapping[str, Any],
    now: datetime,
) -> int:
    """One pending delivery per active endpoint of ``tenant_id`` subscribed to ``event_type``; an
    ``(endpoint, event)`` pair that already has one is left alone. Returns how many were created."""
    endpoint_ids = (
        (
            await session.execute(
                select(Endpoint.id).where(
                    Endpoint.tenant_id == tenant_id,
                    Endpoint.active.is_(True),
                    Endpoint.event_types.contains([event_type]),
                )
            )
        )
        .scalars()
        .all()
    )
    if not endpoint_ids:
        return 0
    rows = []
    for endpoint_id in endpoint_ids:
        delivery = new_delivery(
            endpoint_id=endpoint_id,
            tenant_id=tenant_id,
            event_id=event_id,
            event_type=event_type,
            occurred_at=occurred_at,
            data=data,
            now=now,
        )
        rows.append(
            {
                "id": delivery.id,
                "tenant_id": tenant_id,
                "endpoint_id": endpoint_id,
                "event_id": event_id,
                "event_type": event_type,
                "payload": delivery.payload,
                "status": Status.pending.value,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    result = await session.execute(
        insert(Delivery)
        .values(rows)
        .on_conflict_do_nothing(constraint="uq_deliveries_endpoint_id_event_id")
        .returning(Delivery.id)
    )
    return len(result.scalars().all())
