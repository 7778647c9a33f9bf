"""The public feature routers, mounted under ``/api/v1`` (``batchivo_common.app.include_api``)."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_production.analytics.router import router as analytics_router
from batchivo_production.printers.router import router as printers_router
from batchivo_production.readmodels.router import router as production_router
from batchivo_production.runs.router import export_router as runs_export_router
from batchivo_production.runs.router import router as runs_router

#: The feature routers, in the order the OpenAPI lists them (``batchivo_common.app.include_api``).
api_routers: tuple[APIRouter, ...] = (
    printers_router,
    runs_router,
    production_router,
    analytics_router,
    runs_export_router,
)

__all__ = ["api_routers"]
