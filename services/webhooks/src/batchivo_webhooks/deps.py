"""Dependency aliases of the webhooks routers: every route needs the admin role (webhooks carry the
shop's data out of the platform). POSTs that queue work carry ``Idempotent`` (ADR 0011); the two that
answer a secret (create, rotate-secret) do not: a replayable answer would keep the secret in Redis in
clear for a day (docs/adr/0019-webhooks.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from batchivo_common.auth.deps import AdminDep
from batchivo_common.db.session import ReadSessionDep, SessionDep
from batchivo_common.idempotency import Idempotent
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_webhooks.endpoints.service import EndpointService
from batchivo_webhooks.settings import WebhooksSettings


def _build(request: Request, session: AsyncSession) -> EndpointService:
    settings: WebhooksSettings = request.app.state.settings
    return EndpointService(
        session,
        request.app.state.keyring,
        request.app.state.url_policy,
        timedelta(seconds=settings.previous_secret_seconds),
    )


async def get_service(request: Request, session: SessionDep) -> EndpointService:
    return _build(request, session)


async def get_read_service(request: Request, session: ReadSessionDep) -> EndpointService:
    return _build(request, session)


EndpointServiceDep = Annotated[EndpointService, Depends(get_service)]
ReadEndpointServiceDep = Annotated[EndpointService, Depends(get_read_service)]

__all__ = ["AdminDep", "EndpointServiceDep", "Idempotent", "ReadEndpointServiceDep"]
