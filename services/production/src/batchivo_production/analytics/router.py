"""``/api/v1/production/analytics/variance``."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from batchivo_production.deps import AnalyticsDep, ViewerDep
from batchivo_production.types import Number

router = APIRouter(prefix="/production/analytics", tags=["production-analytics"])


class RunVariance(BaseModel):
    run_id: uuid.UUID
    run_number: str
    run_date: date
    estimated_grams: Number
    actual_grams: Number
    variance_grams: Number | None
    variance_pct: Number | None
    time_variance_hours: Number | None
    success_rate: Number | None


class DayVariance(BaseModel):
    day: date
    estimated_grams: Number
    actual_grams: Number
    variance_grams: Number
    variance_pct: Number | None
    success_rate: Number | None


class ModelVariance(BaseModel):
    model_id: uuid.UUID
    sku: str | None
    runs: int
    avg_variance_pct: Number | None
    success_rate: Number | None


class VarianceReport(BaseModel):
    days: int
    runs: int
    top_runs: list[RunVariance]
    daily: list[DayVariance]
    models: list[ModelVariance]


@router.get("/variance")
async def variance(
    principal: ViewerDep,
    service: AnalyticsDep,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
) -> VarianceReport:
    return VarianceReport.model_validate(await service.variance(principal.tenant_id, days, top))
