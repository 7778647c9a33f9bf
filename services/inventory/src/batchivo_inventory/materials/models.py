"""``inventory.material_types`` (global + tenant rows) and ``inventory.filament_types``."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_inventory.db import Base


class MaterialType(Base):
    __tablename__ = "material_types"
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        # One code per owner; the globals share the NULL owner.
        Index(
            "uq_material_types_tenant_id_code",
            "tenant_id",
            func.upper(text("code")),
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        CheckConstraint("density IS NULL OR density > 0", name="density"),
        CheckConstraint("typical_cost_per_kg IS NULL OR typical_cost_per_kg >= 0", name="cost"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    #: NULL for the seeded global rows every tenant reads.
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    density: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    typical_cost_per_kg: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    extruder_temp_min: Mapped[int | None] = mapped_column(Integer)
    extruder_temp_max: Mapped[int | None] = mapped_column(Integer)
    bed_temp: Mapped[int | None] = mapped_column(Integer)
    #: Moves on with every PATCH (the ETag; docs/api.md).
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"), default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )

    @property
    def is_global(self) -> bool:
        return self.tenant_id is None


class FilamentType(Base):
    __tablename__ = "filament_types"
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        UniqueConstraint("tenant_id", "material_type_id", "brand", "color_name"),
        CheckConstraint("color_hex IS NULL OR color_hex ~ '^#[0-9A-Fa-f]{6}$'", name="color_hex"),
        CheckConstraint("diameter_mm > 0", name="diameter"),
        CheckConstraint("min_stock_grams >= 0", name="min_stock"),
        UniqueConstraint("spoolman_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    material_type_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("material_types.id"), nullable=False)
    brand: Mapped[str] = mapped_column(String(100), nullable=False)
    color_name: Mapped[str] = mapped_column(String(100), nullable=False)
    color_hex: Mapped[str | None] = mapped_column(String(7))
    finish: Mapped[str | None] = mapped_column(String(50))
    diameter_mm: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False, server_default=text("1.75"))
    density: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    extruder_temp: Mapped[int | None] = mapped_column(Integer)
    bed_temp: Mapped[int | None] = mapped_column(Integer)
    min_stock_grams: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    low_stock_notified: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false"), default=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"), default=1)
    #: The type's priced spools (archived ones included): how many, Σ purchase_price and Σ initial_weight,
    #: kept by triggers on ``spools`` (migration 0015, ADR 0023) so its cost per gram is read, not summed.
    #: Never written by the app.
    priced_spool_count: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default=text("0"), default=0
    )
    priced_price_total: Mapped[Decimal] = mapped_column(
        Numeric(16, 2), nullable=False, server_default=text("0"), default=Decimal(0)
    )
    priced_weight_total: Mapped[Decimal] = mapped_column(
        Numeric(16, 2), nullable=False, server_default=text("0"), default=Decimal(0)
    )
    #: The filament's integer id in the Spoolman-compatible API (spoolman_compat/); never reused.
    #: Migration 0013_spoolman_ids.
    spoolman_id: Mapped[int] = mapped_column(BigInteger, Identity(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )
