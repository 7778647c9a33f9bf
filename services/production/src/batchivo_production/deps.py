"""Dependency aliases of the production service's routers (reads: viewer+, writes: member+, deletes and
revert: admin+; domain.md §1). Every POST carries ``Idempotent`` (an ``Idempotency-Key`` makes a retry
safe; ADR 0011)."""

from __future__ import annotations

from typing import Annotated

from batchivo_common.auth.deps import AdminDep, MemberDep, PrincipalDep, ViewerDep
from batchivo_common.db.session import SessionDep
from batchivo_common.idempotency import Idempotent
from fastapi import Depends

from batchivo_production.analytics.service import AnalyticsService
from batchivo_production.printers.service import PrinterService
from batchivo_production.readmodels.service import ReadModels
from batchivo_production.runs.service import RunService


async def get_printer_service(session: SessionDep) -> PrinterService:
    return PrinterService(session)


async def get_run_service(session: SessionDep) -> RunService:
    return RunService(session)


async def get_read_models(session: SessionDep) -> ReadModels:
    return ReadModels(session)


async def get_analytics(session: SessionDep) -> AnalyticsService:
    return AnalyticsService(session)


PrinterServiceDep = Annotated[PrinterService, Depends(get_printer_service)]
RunServiceDep = Annotated[RunService, Depends(get_run_service)]
ReadModelsDep = Annotated[ReadModels, Depends(get_read_models)]
AnalyticsDep = Annotated[AnalyticsService, Depends(get_analytics)]

__all__ = [
    "AdminDep",
    "AnalyticsDep",
    "Idempotent",
    "MemberDep",
    "PrincipalDep",
    "PrinterServiceDep",
    "ReadModelsDep",
    "RunServiceDep",
    "SessionDep",
    "ViewerDep",
]
