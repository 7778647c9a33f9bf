"""Request and response bodies of the tenant's catalog settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from batchivo_catalog.types import Money, Number, Percent

Multiplier = Annotated[Decimal, Field(ge=0, le=1000, decimal_places=3)]


class CatalogSettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    labor_rate_per_hour: Number
    overhead_pct: Number
    price_multiplier: Number


class CatalogSettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labor_rate_per_hour: Money | None = None
    overhead_pct: Percent | None = None
    price_multiplier: Multiplier | None = None
