"""Bodies of ``/api/v1/inventory/*``: the low-stock report and the stock summary."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from batchivo_inventory.spools.schemas import SpoolRead
from batchivo_inventory.types import Number


class LowFilamentTypeRead(BaseModel):
    id: uuid.UUID
    material_code: str
    brand: str
    color_name: str
    min_stock_grams: Number
    remaining_grams: Number


class LowStockRead(BaseModel):
    spools: list[SpoolRead]
    filament_types: list[LowFilamentTypeRead]


class SummaryItem(BaseModel):
    filament_type_id: uuid.UUID
    material_code: str
    brand: str
    color_name: str
    #: ``#RRGGBB`` or null; lets a chart colour the type without a second request.
    color_hex: str | None
    spool_count: int
    remaining_grams: Number
    stock_value: Number


class SummaryRead(BaseModel):
    items: list[SummaryItem]
    total_remaining_grams: Number
    total_stock_value: Number
