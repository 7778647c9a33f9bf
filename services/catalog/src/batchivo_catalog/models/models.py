"""Models (printable designs), their BOM lines and components, run contributions and the stock ledger."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from batchivo_catalog.db import SCHEMA, Base


class Model(Base):
    __tablename__ = "models"
    __table_args__ = (
        Index(
            "uq_models_tenant_id_sku",
            "tenant_id",
            func.upper(text("sku")),
            unique=True,
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_models_search", "search", postgresql_using="gin"),
        Index("ix_models_tenant_id_created_at", "tenant_id", "created_at"),
        Index("ix_models_tenant_id_sku", "tenant_id", "sku", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    print_time_minutes: Mapped[int | None] = mapped_column(Integer)
    prints_per_plate: Mapped[int] = mapped_column(Integer, server_default="1")
    labor_minutes: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    labor_rate_override: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    overhead_pct_override: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    units_in_stock: Mapped[int] = mapped_column(Integer, server_default="0")
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    search: Mapped[str] = mapped_column(
        TSVECTOR,
        Computed(
            "to_tsvector('simple', sku || ' ' || replace(sku, '-', ' ') || ' ' || name || ' '"
            " || coalesce(description, ''))",
            persisted=True,
        ),
    )

    materials: Mapped[list[ModelMaterial]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ModelMaterial.position"
    )
    components: Mapped[list[ModelComponent]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ModelComponent.position"
    )


class ModelMaterial(Base):
    __tablename__ = "model_materials"
    __table_args__ = (
        UniqueConstraint("model_id", "filament_type_id"),
        Index("ix_model_materials_model_id", "model_id"),
        Index("ix_model_materials_tenant_id_filament_type_id", "tenant_id", "filament_type_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.models.id", ondelete="CASCADE"))
    filament_type_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    grams: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    position: Mapped[int] = mapped_column(Integer, server_default="0")


class ModelComponent(Base):
    __tablename__ = "model_components"
    __table_args__ = (Index("ix_model_components_model_id", "model_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.models.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    position: Mapped[int] = mapped_column(Integer, server_default="0")


class RunContribution(Base):
    """One completed run's good units and actual unit cost of one model (deleted by its revert)."""

    __tablename__ = "run_contributions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "run_id", "model_id"),
        Index("ix_run_contributions_model_id", "model_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    run_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.models.id", ondelete="CASCADE"))
    successful_units: Mapped[int] = mapped_column(Integer)
    actual_unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StockMovement(Base):
    """A row of the append-only finished-goods ledger (a model's or a product's units)."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        Index("ix_stock_movements_tenant_id_model_id", "tenant_id", "model_id"),
        Index("ix_stock_movements_tenant_id_product_id", "tenant_id", "product_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    model_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(f"{SCHEMA}.models.id", ondelete="CASCADE"))
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(f"{SCHEMA}.products.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    units_before: Mapped[int] = mapped_column(Integer)
    delta: Mapped[int] = mapped_column(Integer)
    units_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    production_run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    source_event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )
