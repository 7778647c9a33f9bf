"""Request and response bodies of sales channels."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from batchivo_catalog.types import Money, Number, Percent

ChannelName = Annotated[str, Field(min_length=1, max_length=100)]
Platform = Annotated[str, Field(min_length=1, max_length=50)]


class ChannelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ChannelName
    platform: Platform | None = None
    fee_pct: Percent = Decimal(0)
    fixed_fee: Money = Decimal(0)
    monthly_cost: Money = Decimal(0)
    is_active: bool = True


class ChannelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ChannelName | None = None
    platform: Platform | None = None
    fee_pct: Percent | None = None
    fixed_fee: Money | None = None
    monthly_cost: Money | None = None
    is_active: bool | None = None


class ChannelRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    platform: str | None
    fee_pct: Number
    fixed_fee: Number
    monthly_cost: Number
    is_active: bool
    created_at: datetime
    updated_at: datetime
