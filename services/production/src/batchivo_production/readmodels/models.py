"""Read models fed only by events: spools (``inventory.spool.*``) and models with their BOM grams
(``catalog.model.*``). Keyed per tenant; the highest ``aggregate_version`` wins."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, Integer, Numeric, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_production.db import Base


class SpoolView(Base):
    __tablename__ = "spools"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    filament_type_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    material_code: Mapped[str] = mapped_column(String(32))
    brand: Mapped[str] = mapped_column(String(100))
    color_name: Mapped[str] = mapped_column(String(100))
    current_weight: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    cost_per_gram: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    is_archived: Mapped[bool] = mapped_column(Boolean)
    is_deleted: Mapped[bool] = mapped_column(Boolean, server_default="false")
    aggregate_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ModelView(Base):
    __tablename__ = "models"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean)
    is_deleted: Mapped[bool] = mapped_column(Boolean, server_default="false")
    prints_per_plate: Mapped[int] = mapped_column(Integer)
    print_time_minutes: Mapped[int | None] = mapped_column(Integer)
    aggregate_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ModelMaterialView(Base):
    """BOM grams per single item of a model, per filament type (replaced whole by each model event)."""

    __tablename__ = "model_materials"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    model_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    filament_type_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    grams: Mapped[Decimal] = mapped_column(Numeric(12, 2))
