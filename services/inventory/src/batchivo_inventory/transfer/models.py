"""``inventory.import_keys``: which row an imported natural or external key became (one per tenant)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, UniqueConstraint, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_inventory.db import Base


class ImportKey(Base):
    __tablename__ = "import_keys"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source", "kind", "external_id"),
        Index("ix_import_keys_tenant_id_target_id", "tenant_id", "target_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    #: ``csv`` (an ``external_id`` column) or ``spoolman``.
    source: Mapped[str] = mapped_column(String(32), nullable=False)
    #: ``spool`` or ``filament_type``.
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    external_id: Mapped[str] = mapped_column(String(255), nullable=False)
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )
