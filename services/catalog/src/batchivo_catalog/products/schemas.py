"""Request and response bodies of products (bundles), their cost breakdown and per-channel results."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from batchivo_catalog.models.schemas import Minutes, Name, Sku
from batchivo_catalog.types import Money, Number

Category = Annotated[str, Field(min_length=1, max_length=64)]
Count = Annotated[int, Field(ge=1, le=10000)]


class ProductModelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model_id: uuid.UUID
    quantity: Count = 1


class ProductChildIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product_id: uuid.UUID
    quantity: Count = 1


class ProductCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Sku
    name: Name
    description: str | None = Field(None, max_length=5000)
    packaging_cost: Money = Decimal(0)
    assembly_minutes: Minutes = Decimal(0)
    categories: list[Category] = Field(default_factory=list, max_length=20)
    is_active: bool = True
    models: list[ProductModelIn] = Field(default_factory=list, max_length=100)
    children: list[ProductChildIn] = Field(default_factory=list, max_length=100)


class ProductUpdate(BaseModel):
    """Only the fields sent change; ``models``/``children``, when sent, replace the whole list."""

    model_config = ConfigDict(extra="forbid")
    sku: Sku | None = None
    name: Name | None = None
    description: str | None = Field(None, max_length=5000)
    packaging_cost: Money | None = None
    assembly_minutes: Minutes | None = None
    categories: list[Category] | None = Field(None, max_length=20)
    is_active: bool | None = None
    models: list[ProductModelIn] | None = Field(None, max_length=100)
    children: list[ProductChildIn] | None = Field(None, max_length=100)


class ProductModelRead(BaseModel):
    model_id: uuid.UUID
    sku: str | None
    name: str | None
    quantity: int
    unit_cost: Number | None
    actual_unit_cost: Number | None


class ProductChildRead(BaseModel):
    product_id: uuid.UUID
    sku: str
    name: str
    quantity: int
    make_cost: Number


class ProductCostRead(BaseModel):
    models: Number
    children: Number
    packaging: Number
    assembly: Number
    make_cost: Number


class ChannelPriceRead(BaseModel):
    sales_channel_id: uuid.UUID
    name: str
    platform: str | None
    price: Number
    fee: Number
    profit: Number
    margin_pct: Number


class ProductRead(BaseModel):
    id: uuid.UUID
    sku: str
    name: str
    description: str | None
    packaging_cost: Number
    assembly_minutes: Number
    categories: list[str]
    is_active: bool
    units_in_stock: int
    models: list[ProductModelRead]
    children: list[ProductChildRead]
    cost: ProductCostRead
    make_cost: Number
    suggested_price: Number
    cost_is_estimate: bool
    #: Filament types, over all the product's models, whose BOM lines have no cost at all.
    uncosted_lines: list[uuid.UUID]
    actual_make_cost: Number | None
    variance_pct: Number | None
    channels: list[ChannelPriceRead]
    version: int
    created_at: datetime
    updated_at: datetime


class AssembleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantity: Count


class PriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    price: Money
