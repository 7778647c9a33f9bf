"""Mounts the public feature routers under ``/api/v1``; ``internal`` and ``jwks`` stay outside it."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_auth.invitations.router import my_invitations_router, tenant_invitations_router
from batchivo_auth.tenants.router import router as members_router
from batchivo_auth.tokens.router import api_keys_router, auth_router, internal_router, jwks_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(auth_router)
api_router.include_router(members_router)
api_router.include_router(tenant_invitations_router)
api_router.include_router(my_invitations_router)
api_router.include_router(api_keys_router)

__all__ = ["api_router", "internal_router", "jwks_router"]
