"""Endpoints and their delivery log, for admins (every query runs under the caller's tenant: RLS)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import AppError, Conflict, NotFound
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_webhooks import vault
from batchivo_webhooks.catalogue import TEST_EVENT_TYPE, unknown_event_types
from batchivo_webhooks.crypto import Keyring
from batchivo_webhooks.deliveries.service import new_delivery
from batchivo_webhooks.models import Delivery, Endpoint
from batchivo_webhooks.rules import Status
from batchivo_webhooks.urls import UrlPolicy


class UnknownEventTypes(AppError):
    status_code, code = 422, "UNKNOWN_EVENT_TYPE"


class InvalidChange(AppError):
    status_code, code = 422, "VALIDATION_ERROR"


class EndpointInactive(Conflict):
    code = "ENDPOINT_INACTIVE"


def check_event_types(event_types: list[str]) -> list[str]:
    unknown = unknown_event_types(event_types)
    if unknown:
        raise UnknownEventTypes(
            f"Not a public event type: {', '.join(unknown)}; GET /api/v1/webhooks/event-types lists them "
            "(there is no wildcard)"
        )
    return sorted(set(event_types))


class EndpointService:
    def __init__(self, session: AsyncSession, keyring: Keyring, urls: UrlPolicy, previous_secret: timedelta):
        self.session, self.keyring, self.urls, self.previous_secret = session, keyring, urls, previous_secret

    async def own(self, tenant_id: uuid.UUID, endpoint_id: uuid.UUID, *, lock: bool = False) -> Endpoint:
        stmt = select(Endpoint).where(Endpoint.tenant_id == tenant_id, Endpoint.id == endpoint_id)
        if lock:
            stmt = stmt.with_for_update()
        endpoint = (await self.session.execute(stmt)).scalar_one_or_none()
        if endpoint is None:
            raise NotFound("Webhook endpoint not found")
        return endpoint

    async def page(self, principal: Principal, *, limit: int, offset: int) -> tuple[list[Endpoint], int]:
        where = Endpoint.tenant_id == principal.tenant_id
        total = (
            await self.session.execute(select(func.count()).select_from(Endpoint).where(where))
        ).scalar_one()
        rows = await self.session.execute(
            select(Endpoint)
            .where(where)
            .order_by(Endpoint.created_at.desc(), Endpoint.id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows.scalars()), total

    async def create(self, principal: Principal, body: dict[str, Any]) -> tuple[Endpoint, str]:
        event_types = check_event_types(body["event_types"])
        await self.urls.check_for_api(body["url"])
        endpoint = Endpoint(
            id=uuid.uuid4(),
            tenant_id=principal.tenant_id,
            url=body["url"],
            description=body.get("description"),
            event_types=event_types,
            active=body.get("active", True),
            version=1,
        )
        secret = vault.seal_new_secret(self.keyring, endpoint)
        self.session.add(endpoint)
        await self.session.flush()
        await self.session.refresh(endpoint)
        return endpoint, secret

    async def update(self, principal: Principal, endpoint_id: uuid.UUID, changes: dict[str, Any]) -> Endpoint:
        endpoint = await self.own(principal.tenant_id, endpoint_id, lock=True)
        for name in ("url", "event_types", "active"):
            if name in changes and changes[name] is None:
                raise InvalidChange(f"{name} may not be null")
        if "event_types" in changes:
            changes["event_types"] = check_event_types(changes["event_types"])
        if "url" in changes and changes["url"] != endpoint.url:
            await self.urls.check_for_api(changes["url"])
        if changes.get("active") and not endpoint.active:
            # Re-activated by a person: the failure history that disabled it starts over.
            endpoint.disabled_at = endpoint.disabled_reason = endpoint.failing_since = None
        for name, value in changes.items():
            setattr(endpoint, name, value)
        endpoint.updated_at = datetime.now(UTC)
        endpoint.version += 1
        await self.session.flush()
        return endpoint

    async def delete(self, principal: Principal, endpoint_id: uuid.UUID) -> None:
        endpoint = await self.own(principal.tenant_id, endpoint_id)
        await self.session.delete(endpoint)
        await self.session.flush()

    async def rotate_secret(self, principal: Principal, endpoint_id: uuid.UUID) -> tuple[Endpoint, str]:
        endpoint = await self.own(principal.tenant_id, endpoint_id, lock=True)
        now = datetime.now(UTC)
        secret = vault.rotate_secret(self.keyring, endpoint, now, self.previous_secret)
        endpoint.updated_at = now
        endpoint.version += 1
        await self.session.flush()
        return endpoint, secret

    async def send_test(self, principal: Principal, endpoint_id: uuid.UUID) -> Delivery:
        endpoint = await self.own(principal.tenant_id, endpoint_id)
        if not endpoint.active:
            raise EndpointInactive("The endpoint is not active; activate it to send a test event")
        now = datetime.now(UTC)
        delivery = new_delivery(
            endpoint_id=endpoint.id,
            tenant_id=principal.tenant_id,
            event_id=uuid.uuid4(),
            event_type=TEST_EVENT_TYPE,
            occurred_at=now,
            data={"message": "A test event sent from Batchivo", "endpoint_id": str(endpoint.id)},
            now=now,
        )
        self.session.add(delivery)
        await self.session.flush()
        return delivery

    async def deliveries(
        self, principal: Principal, endpoint_id: uuid.UUID, *, status: Status | None, limit: int, offset: int
    ) -> tuple[list[Delivery], int]:
        await self.own(principal.tenant_id, endpoint_id)
        where = [Delivery.tenant_id == principal.tenant_id, Delivery.endpoint_id == endpoint_id]
        if status is not None:
            where.append(Delivery.status == status.value)
        total = (
            await self.session.execute(select(func.count()).select_from(Delivery).where(*where))
        ).scalar_one()
        rows = await self.session.execute(
            select(Delivery)
            .where(*where)
            .order_by(Delivery.created_at.desc(), Delivery.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return list(rows.scalars()), total

    async def redeliver(self, principal: Principal, delivery_id: uuid.UUID) -> Delivery:
        delivery = (
            await self.session.execute(
                select(Delivery)
                .where(Delivery.tenant_id == principal.tenant_id, Delivery.id == delivery_id)
                .with_for_update()
            )
        ).scalar_one_or_none()
        if delivery is None:
            raise NotFound("Delivery not found")
        endpoint = await self.own(principal.tenant_id, delivery.endpoint_id)
        if not endpoint.active:
            raise EndpointInactive("The endpoint is not active; activate it to redeliver")
        if delivery.status == Status.pending.value:
            raise Conflict("The delivery is still being attempted", code="DELIVERY_PENDING")
        # Same delivery id; attempts keep counting; a new retry window starts with the next attempt.
        delivery.status = Status.pending.value
        delivery.next_attempt_at = datetime.now(UTC)
        delivery.window_started_at = None
        await self.session.flush()
        return delivery
