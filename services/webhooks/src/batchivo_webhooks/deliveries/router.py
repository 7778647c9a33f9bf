"""``/api/v1/webhooks/deliveries/{id}/redeliver`` (admin and up)."""

from __future__ import annotations

import uuid
from typing import Literal, cast

from fastapi import APIRouter, status

from batchivo_webhooks.deliveries.schemas import DeliveryQueued
from batchivo_webhooks.deps import AdminDep, EndpointServiceDep, Idempotent

router = APIRouter(prefix="/deliveries", tags=["webhooks"])


@router.post("/{delivery_id}/redeliver", status_code=status.HTTP_202_ACCEPTED, dependencies=[Idempotent])
async def redeliver(
    principal: AdminDep, delivery_id: uuid.UUID, service: EndpointServiceDep
) -> DeliveryQueued:
    """Attempts a failed or succeeded delivery again: the same delivery id, attempts keep counting, and a
    new 24 h retry window starts with the next attempt. A pending one answers 409 ``DELIVERY_PENDING``."""
    delivery = await service.redeliver(principal, delivery_id)
    return DeliveryQueued(
        delivery_id=delivery.id, status=cast(Literal["pending", "succeeded", "failed"], delivery.status)
    )
