"""The public feature routers, mounted under ``/api/v1``; ``internal`` and ``jwks`` stay outside it."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_auth.invitations.router import my_invitations_router, tenant_invitations_router
from batchivo_auth.tenants.router import router as members_router
from batchivo_auth.tokens.router import api_keys_router, auth_router, internal_router, jwks_router

#: The feature routers, in the order the OpenAPI lists them (``batchivo_common.app.include_api``).
api_routers: tuple[APIRouter, ...] = (
    auth_router,
    members_router,
    tenant_invitations_router,
    my_invitations_router,
    api_keys_router,
)

__all__ = ["api_routers", "internal_router", "jwks_router"]
