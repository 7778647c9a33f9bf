"""``/api/v1/webhooks/event-types`` and ``/api/v1/webhooks/endpoints`` (admin and up)."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.pagination import PageParamsDep
from fastapi import APIRouter, Query, Response, status

from batchivo_webhooks.catalogue import PUBLIC_EVENTS
from batchivo_webhooks.deliveries.schemas import DeliveryPage, DeliveryQueued, DeliveryRead
from batchivo_webhooks.deps import AdminDep, EndpointServiceDep, Idempotent, ReadEndpointServiceDep
from batchivo_webhooks.endpoints.schemas import (
    EndpointCreate,
    EndpointCreated,
    EndpointPage,
    EndpointRead,
    EndpointUpdate,
    EventTypeRead,
    SecretRotated,
)
from batchivo_webhooks.models import Endpoint
from batchivo_webhooks.rules import Status

router = APIRouter(tags=["webhooks"], route_class=ETagRoute)

# ETag = the endpoint's version; a PATCH with a stale If-Match is 412 and changes nothing (docs/api.md).
EndpointTag = Annotated[None, tagged(Endpoint, "endpoint_id", read_session=True)]
EndpointIfMatch = Annotated[None, versioned(Endpoint.__table__, "endpoint_id")]


@router.get("/event-types")
async def list_event_types(principal: AdminDep) -> list[EventTypeRead]:
    """The event types an endpoint may subscribe to (every public event; no wildcard)."""
    return [EventTypeRead(type=name, description=text) for name, text in PUBLIC_EVENTS.items()]


@router.get("/endpoints")
async def list_endpoints(
    principal: AdminDep, service: ReadEndpointServiceDep, page: PageParamsDep
) -> EndpointPage:
    rows, total = await service.page(principal, limit=page.limit, offset=page.offset)
    return EndpointPage(
        items=[EndpointRead.model_validate(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post("/endpoints", status_code=status.HTTP_201_CREATED)
async def create_endpoint(
    principal: AdminDep, body: EndpointCreate, service: EndpointServiceDep, response: Response
) -> EndpointCreated:
    """The answer carries the signing ``secret``, this once; reads show only ``secret_hint``."""
    endpoint, secret = await service.create(principal, body.model_dump())
    response.headers["Location"] = f"/api/v1/webhooks/endpoints/{endpoint.id}"
    response.headers["Cache-Control"] = "no-store"
    return EndpointCreated.model_validate(
        {**EndpointRead.model_validate(endpoint).model_dump(), "secret": secret}
    )


@router.get("/endpoints/{endpoint_id}")
async def get_endpoint(
    principal: AdminDep, _etag: EndpointTag, endpoint_id: uuid.UUID, service: ReadEndpointServiceDep
) -> EndpointRead:
    return EndpointRead.model_validate(await service.own(principal.tenant_id, endpoint_id))


@router.patch("/endpoints/{endpoint_id}")
async def update_endpoint(
    principal: AdminDep,
    _if_match: EndpointIfMatch,
    endpoint_id: uuid.UUID,
    body: EndpointUpdate,
    service: EndpointServiceDep,
) -> EndpointRead:
    """Re-activating (``active: true``) clears ``disabled_at``, ``disabled_reason`` and ``failing_since``."""
    return EndpointRead.model_validate(await service.update(principal, endpoint_id, body.changes()))


@router.delete("/endpoints/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_endpoint(principal: AdminDep, endpoint_id: uuid.UUID, service: EndpointServiceDep) -> None:
    await service.delete(principal, endpoint_id)


@router.post("/endpoints/{endpoint_id}/rotate-secret")
async def rotate_secret(
    principal: AdminDep, endpoint_id: uuid.UUID, service: EndpointServiceDep, response: Response
) -> SecretRotated:
    """A new secret, shown this once. The previous one keeps signing (a second ``v1=`` value in the
    signature header) until ``previous_secret_expires_at`` (24 h)."""
    endpoint, secret = await service.rotate_secret(principal, endpoint_id)
    response.headers["Cache-Control"] = "no-store"
    return SecretRotated(
        secret=secret,
        secret_hint=endpoint.secret_hint,
        previous_secret_expires_at=endpoint.previous_secret_expires_at,
    )


@router.post("/endpoints/{endpoint_id}/test", status_code=status.HTTP_202_ACCEPTED, dependencies=[Idempotent])
async def send_test_event(
    principal: AdminDep, endpoint_id: uuid.UUID, service: EndpointServiceDep
) -> DeliveryQueued:
    """Queues a ``webhooks.test.v1`` delivery to this endpoint (whatever its ``event_types``)."""
    delivery = await service.send_test(principal, endpoint_id)
    return DeliveryQueued(delivery_id=delivery.id, status="pending")


@router.get("/endpoints/{endpoint_id}/deliveries")
async def list_deliveries(
    principal: AdminDep,
    endpoint_id: uuid.UUID,
    service: ReadEndpointServiceDep,
    page: PageParamsDep,
    status: Annotated[Status | None, Query(description="pending, succeeded or failed")] = None,
) -> DeliveryPage:
    """The endpoint's delivery log, newest first."""
    rows, total = await service.deliveries(
        principal, endpoint_id, status=status, limit=page.limit, offset=page.offset
    )
    return DeliveryPage(
        items=[DeliveryRead.model_validate(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
