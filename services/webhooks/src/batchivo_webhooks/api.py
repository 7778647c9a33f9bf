"""Mounts the public routers under ``/api/v1/webhooks``."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_webhooks.deliveries.router import router as deliveries_router
from batchivo_webhooks.endpoints.router import router as endpoints_router

api_router = APIRouter(prefix="/api/v1/webhooks")
api_router.include_router(endpoints_router)
api_router.include_router(deliveries_router)

__all__ = ["api_router"]
