"""``inventory.filament_type_barcodes``: manufacturer retail codes remembered per filament type."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_inventory.db import Base


class FilamentTypeBarcode(Base):
    __tablename__ = "filament_type_barcodes"
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        # One code names one filament type of a shop; other shops may remember it for their own types.
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("code ~ '^([0-9]{8}|[0-9]{13})$'", name="code"),
        Index("ix_filament_type_barcodes_tenant_id_filament_type_id", "tenant_id", "filament_type_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    filament_type_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("filament_types.id", ondelete="CASCADE"), nullable=False
    )
    #: The stored form (rules.normalize_retail_code): 13 digits, or 8 for an EAN-8.
    code: Mapped[str] = mapped_column(String(13), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
