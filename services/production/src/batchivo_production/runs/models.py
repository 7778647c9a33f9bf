"""Production runs, their items and material lines, and the per-tenant per-day run-number counter."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
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
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_production.db import Base


class RunCounter(Base):
    """The last number handed out per tenant and day: numbers are never reused, even after deletes."""

    __tablename__ = "run_counters"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class ProductionRun(Base):
    __tablename__ = "production_runs"
    __table_args__ = (
        UniqueConstraint("tenant_id", "run_number", name="uq_production_runs_tenant_id_run_number"),
        Index("ix_production_runs_tenant_id_status", "tenant_id", "status"),
        Index("ix_production_runs_tenant_id_run_date", "tenant_id", "run_date"),
        Index("ix_production_runs_tenant_id_created_at_id", "tenant_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    run_number: Mapped[str] = mapped_column(String(32))
    printer_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid,
        ForeignKey(
            "production.printers.id", name="fk_production_runs_printer_id_printers", ondelete="SET NULL"
        ),
    )
    status: Mapped[str] = mapped_column(String(16))
    run_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_hours: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    estimated_print_time_hours: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    slicer: Mapped[str | None] = mapped_column(String(100))
    nozzle_temp: Mapped[int | None] = mapped_column(Integer)
    bed_temp: Mapped[int | None] = mapped_column(Integer)
    quality_rating: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    original_run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    cost_per_gram_actual: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))
    #: none | pending | applied | discrepancy: what inventory reported for the last deduction.
    deduction_status: Mapped[str] = mapped_column(String(16), server_default="none")
    #: The event whose ``inventory.usage.recorded.v1`` (matched by causation id) settles the deduction.
    deduction_event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    deduction: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RunItem(Base):
    __tablename__ = "run_items"
    __table_args__ = (
        Index("ix_run_items_run_id", "run_id"),
        Index("ix_run_items_tenant_id_model_id", "tenant_id", "model_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    run_id: Mapped[uuid.UUID] = mapped_column(
        Uuid,
        ForeignKey(
            "production.production_runs.id", name="fk_run_items_run_id_production_runs", ondelete="CASCADE"
        ),
    )
    model_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    quantity: Mapped[int] = mapped_column(Integer)
    successful_quantity: Mapped[int | None] = mapped_column(Integer)
    failed_quantity: Mapped[int | None] = mapped_column(Integer)
    bed_position: Mapped[str | None] = mapped_column(String(50))
    #: BOM grams per unit when the run completed (the cost formula's denominator) and the unit cost.
    bom_grams_per_unit: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    actual_unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))


class RunMaterial(Base):
    __tablename__ = "run_materials"
    __table_args__ = (
        UniqueConstraint("run_id", "spool_id", name="uq_run_materials_run_id_spool_id"),
        Index("ix_run_materials_tenant_id_spool_id", "tenant_id", "spool_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    run_id: Mapped[uuid.UUID] = mapped_column(
        Uuid,
        ForeignKey(
            "production.production_runs.id",
            name="fk_run_materials_run_id_production_runs",
            ondelete="CASCADE",
        ),
    )
    spool_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    estimated_model_grams: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    estimated_flush_grams: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    estimated_tower_grams: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    weight_before: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    weight_after: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    actual_model_grams: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    actual_flush_grams: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    actual_tower_grams: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    cost_per_gram: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
