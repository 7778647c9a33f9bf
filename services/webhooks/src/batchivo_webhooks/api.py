"""The public routers, mounted under ``/api/v1/webhooks``."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_webhooks.deliveries.router import router as deliveries_router
from batchivo_webhooks.endpoints.router import router as endpoints_router

API_PREFIX = "/api/v1/webhooks"
#: The feature routers, in the order the OpenAPI lists them (``batchivo_common.app.include_api``).
api_routers: tuple[APIRouter, ...] = (
    endpoints_router,
    deliveries_router,
)

__all__ = ["API_PREFIX", "api_routers"]
