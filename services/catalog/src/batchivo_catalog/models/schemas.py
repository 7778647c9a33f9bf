"""Request and response bodies of models, their BOM lines and components, and the cost breakdown."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from batchivo_catalog.types import Money, Number, Percent, PositiveGrams

Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Minutes = Annotated[Decimal, Field(ge=0, le=100000, decimal_places=2)]
Quantity = Annotated[Decimal, Field(gt=0, le=100000, decimal_places=3)]
UnitCost = Annotated[Decimal, Field(ge=0, le=1000000, decimal_places=4)]


class BomLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filament_type_id: uuid.UUID
    grams: PositiveGrams


class BomLineUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grams: PositiveGrams


class ComponentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    quantity: Quantity
    unit_cost: UnitCost


class ComponentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    quantity: Quantity | None = None
    unit_cost: UnitCost | None = None


class BomIn(BaseModel):
    """The whole BOM at once (``PUT /models/{id}/bom``): lines and components replace the old ones."""

    model_config = ConfigDict(extra="forbid")
    materials: list[BomLineIn] = Field(default_factory=list, max_length=50)
    components: list[ComponentIn] = Field(default_factory=list, max_length=100)


class ModelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Sku
    name: Name
    description: str | None = Field(None, max_length=5000)
    print_time_minutes: int | None = Field(None, ge=0, le=100000)
    prints_per_plate: int = Field(1, ge=1, le=10000)
    labor_minutes: Minutes = Decimal(0)
    labor_rate_override: Money | None = None
    overhead_pct_override: Percent | None = None
    is_active: bool = True
    materials: list[BomLineIn] = Field(default_factory=list, max_length=50)
    components: list[ComponentIn] = Field(default_factory=list, max_length=100)


class ModelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Sku | None = None
    name: Name | None = None
    description: str | None = Field(None, max_length=5000)
    print_time_minutes: int | None = Field(None, ge=0, le=100000)
    prints_per_plate: int | None = Field(None, ge=1, le=10000)
    labor_minutes: Minutes | None = None
    labor_rate_override: Money | None = None
    overhead_pct_override: Percent | None = None
    is_active: bool | None = None


class BomLineRead(BaseModel):
    id: uuid.UUID
    filament_type_id: uuid.UUID
    grams: Number
    material_code: str | None
    brand: str | None
    color_name: str | None
    cost_per_gram: Number | None
    cost_is_estimate: bool
    line_cost: Number | None


class ComponentRead(BaseModel):
    id: uuid.UUID
    name: str
    quantity: Number
    unit_cost: Number
    line_cost: Number


class ModelCostRead(BaseModel):
    material: Number
    components: Number
    labor: Number
    overhead: Number
    total: Number


class ModelRead(BaseModel):
    id: uuid.UUID
    sku: str
    name: str
    description: str | None
    print_time_minutes: int | None
    prints_per_plate: int
    labor_minutes: Number
    labor_rate_override: Number | None
    overhead_pct_override: Number | None
    is_active: bool
    units_in_stock: int
    materials: list[BomLineRead]
    components: list[ComponentRead]
    cost: ModelCostRead
    cost_is_estimate: bool
    #: Filament types of BOM lines that have no cost at all (count 0 in ``material``).
    uncosted_lines: list[uuid.UUID]
    actual_unit_cost: Number | None
    version: int
    created_at: datetime
    updated_at: datetime


class NextSku(BaseModel):
    sku: str


class StockAdjust(BaseModel):
    model_config = ConfigDict(extra="forbid")
    delta: int = Field(ge=-1_000_000, le=1_000_000)
    reason: str = Field(min_length=1, max_length=200)


class StockMovementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    model_id: uuid.UUID | None
    product_id: uuid.UUID | None
    kind: str
    units_before: int
    delta: int
    units_after: int
    reason: str | None
    actor_id: uuid.UUID | None
    production_run_id: uuid.UUID | None
    created_at: datetime
