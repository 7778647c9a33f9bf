"""Mounts the public feature routers under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_production.analytics.router import router as analytics_router
from batchivo_production.printers.router import router as printers_router
from batchivo_production.readmodels.router import router as production_router
from batchivo_production.runs.router import export_router as runs_export_router
from batchivo_production.runs.router import router as runs_router

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(printers_router)
api_router.include_router(runs_router)
api_router.include_router(production_router)
api_router.include_router(analytics_router)
api_router.include_router(runs_export_router)

__all__ = ["api_router"]
