"""The read model of the tenant's filament types (from ``inventory.filament_type.*``) and the tenant's
catalog settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, Integer, Numeric, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_catalog.db import Base


class FilamentTypeView(Base):
    __tablename__ = "filament_types"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    material_code: Mapped[str] = mapped_column(String(32))
    brand: Mapped[str] = mapped_column(String(100))
    color_name: Mapped[str] = mapped_column(String(100))
    color_hex: Mapped[str | None] = mapped_column(String(7))
    cost_per_gram: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    cost_is_estimate: Mapped[bool] = mapped_column(Boolean)
    is_deleted: Mapped[bool] = mapped_column(Boolean, server_default="false")
    aggregate_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CatalogSettingsRow(Base):
    __tablename__ = "catalog_settings"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    labor_rate_per_hour: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="10")
    overhead_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default="0")
    price_multiplier: Mapped[Decimal] = mapped_column(Numeric(6, 3), server_default="2.5")
    #: Moves on with every PATCH (the ETag; docs/api.md).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
