"""Request and response bodies of ``/api/v1/production-runs``. Every request model forbids unknown
fields, so a PATCH naming ``status`` is a 422: status changes only through the action endpoints."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from batchivo_production.types import Grams, Number

Quantity = Annotated[int, Field(ge=1, le=100000)]
Count = Annotated[int, Field(ge=0, le=100000)]
Hours = Annotated[Decimal, Field(ge=0, le=10000, decimal_places=2)]
Temp = Annotated[int, Field(ge=0, le=500)]
Rating = Annotated[int, Field(ge=1, le=5)]
Note = Annotated[str, Field(max_length=5000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemIn(_Strict):
    model_id: uuid.UUID
    quantity: Quantity
    bed_position: Annotated[str, Field(max_length=50)] | None = None


class MaterialIn(_Strict):
    spool_id: uuid.UUID
    estimated_model_grams: Grams = Decimal(0)
    estimated_flush_grams: Grams = Decimal(0)
    estimated_tower_grams: Grams = Decimal(0)
    weight_before: Grams | None = None
    weight_after: Grams | None = None
    actual_model_grams: Grams | None = None
    actual_flush_grams: Grams | None = None
    actual_tower_grams: Grams | None = None


class RunCreate(_Strict):
    printer_id: uuid.UUID | None = None
    #: A back-dated run is numbered within this day (default: today, UTC).
    run_date: date | None = None
    estimated_print_time_hours: Hours | None = None
    slicer: Annotated[str, Field(max_length=100)] | None = None
    nozzle_temp: Temp | None = None
    bed_temp: Temp | None = None
    notes: Note | None = None
    original_run_id: uuid.UUID | None = None
    items: Annotated[list[ItemIn], Field(max_length=200)] = []
    #: Omitted: the printer's loaded spools are proposed for the items' BOM filament types.
    materials: Annotated[list[MaterialIn], Field(max_length=64)] | None = None
    allow_insufficient: bool = False


class RunUpdate(_Strict):
    printer_id: uuid.UUID | None = None
    estimated_print_time_hours: Hours | None = None
    duration_hours: Hours | None = None
    slicer: Annotated[str, Field(max_length=100)] | None = None
    nozzle_temp: Temp | None = None
    bed_temp: Temp | None = None
    quality_rating: Rating | None = None
    notes: Note | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class ItemUpdate(_Strict):
    quantity: Quantity | None = None
    successful_quantity: Count | None = None
    failed_quantity: Count | None = None
    bed_position: Annotated[str, Field(max_length=50)] | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class MaterialAdd(MaterialIn):
    allow_insufficient: bool = False


class MaterialUpdate(_Strict):
    estimated_model_grams: Grams | None = None
    estimated_flush_grams: Grams | None = None
    estimated_tower_grams: Grams | None = None
    weight_before: Grams | None = None
    weight_after: Grams | None = None
    actual_model_grams: Grams | None = None
    actual_flush_grams: Grams | None = None
    actual_tower_grams: Grams | None = None
    allow_insufficient: bool = False

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"allow_insufficient"})


class ItemOutcomeIn(_Strict):
    item_id: uuid.UUID
    successful_quantity: Count
    failed_quantity: Count = 0


class CompleteRun(_Strict):
    #: Items not named here count every planned unit as good (unless their outcome was already set).
    items: Annotated[list[ItemOutcomeIn], Field(max_length=200)] = []
    duration_hours: Hours | None = None
    quality_rating: Rating | None = None


class SpoolGramsIn(_Strict):
    spool_id: uuid.UUID
    grams: Annotated[Decimal, Field(gt=0, le=100000, decimal_places=2)]


class FailRun(_Strict):
    reason: Annotated[str, Field(min_length=1, max_length=500)]
    #: Omitted: the actual grams of the lines that have them are the waste.
    waste: Annotated[list[SpoolGramsIn], Field(max_length=64)] | None = None


class CancelRun(_Strict):
    #: Grams already used per spool (partial usage), if any.
    materials: Annotated[list[SpoolGramsIn], Field(max_length=64)] = []


class ItemRead(BaseModel):
    id: uuid.UUID
    model_id: uuid.UUID
    sku: str | None
    name: str | None
    quantity: int
    successful_quantity: int | None
    failed_quantity: int | None
    bed_position: str | None
    bom_grams_per_unit: Number | None
    actual_unit_cost: Number | None


class MaterialRead(BaseModel):
    id: uuid.UUID
    spool_id: uuid.UUID
    spool_code: str | None
    filament_type_id: uuid.UUID | None
    estimated_model_grams: Number
    estimated_flush_grams: Number
    estimated_tower_grams: Number
    estimated_grams: Number
    weight_before: Number | None
    weight_after: Number | None
    actual_model_grams: Number | None
    actual_flush_grams: Number | None
    actual_tower_grams: Number | None
    actual_grams: Number | None
    variance_grams: Number | None
    variance_pct: Number | None
    cost_per_gram: Number | None


class DeductionSpool(BaseModel):
    spool_id: uuid.UUID
    booked_grams: float
    discrepancy_grams: float


class Deduction(BaseModel):
    #: none (nothing sent), pending (sent, not yet booked), applied, discrepancy (applied with one).
    status: str
    spools: list[DeductionSpool]


class RunRead(BaseModel):
    id: uuid.UUID
    run_number: str
    printer_id: uuid.UUID | None
    status: str
    run_date: date
    started_at: datetime | None
    completed_at: datetime | None
    duration_hours: Number | None
    estimated_print_time_hours: Number | None
    slicer: str | None
    nozzle_temp: int | None
    bed_temp: int | None
    quality_rating: int | None
    notes: str | None
    failure_reason: str | None
    original_run_id: uuid.UUID | None
    items: list[ItemRead]
    materials: list[MaterialRead]
    estimated_grams: Number
    actual_grams: Number | None
    variance_grams: Number | None
    variance_pct: Number | None
    time_variance_hours: Number | None
    success_rate: Number | None
    cost_per_gram_actual: Number | None
    deduction: Deduction
    version: int
    created_at: datetime
    updated_at: datetime


class RunPage(BaseModel):
    items: list[RunRead]
    total: int
    limit: int
    offset: int
