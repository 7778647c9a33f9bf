"""Printers and the spools loaded in them (one spool per slot; a spool in at most one printer)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
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
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_production.db import Base


class Printer(Base):
    __tablename__ = "printers"
    __table_args__ = (
        Index("ix_printers_tenant_id_name", "tenant_id", "name"),
        # One printer per API key in a shop (docs/adr/0021-printers-follow-their-api-key.md).
        UniqueConstraint("tenant_id", "api_key_id", name="uq_printers_tenant_id_api_key_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(100))
    manufacturer: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    nozzle_diameter_mm: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    build_volume: Mapped[str | None] = mapped_column(String(50))
    notes: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    #: How many spools it holds at once (tools or AMS/MMU lanes); slots are 0-based.
    slot_count: Mapped[int] = mapped_column(Integer, server_default="1")
    #: The auth service's API key its Moonraker/OctoPrint reports usage with (one printer per key).
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: The latest usage report applied (``inventory.spool.usage_reported.v1``); older ones are ignored.
    last_reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_reported_spool_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    last_reported_spool_code: Mapped[str | None] = mapped_column(String(32))
    #: Moves on with every PATCH (the ETag; docs/api.md).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PrinterSpool(Base):
    __tablename__ = "printer_spools"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "printer_id", "slot", name="uq_printer_spools_tenant_id_printer_id_slot"
        ),
        UniqueConstraint("tenant_id", "spool_id", name="uq_printer_spools_tenant_id_spool_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    printer_id: Mapped[uuid.UUID] = mapped_column(
        Uuid,
        ForeignKey(
            "production.printers.id", name="fk_printer_spools_printer_id_printers", ondelete="CASCADE"
        ),
    )
    slot: Mapped[int] = mapped_column(Integer)
    spool_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
