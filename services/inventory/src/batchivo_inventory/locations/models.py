"""``inventory.locations`` (where spools are kept) and ``inventory.spool_events`` (a spool's ledger-free
history: moves, archive, restore)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Uuid, func, text
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_inventory.db import Base

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 500


class Location(Base):
    __tablename__ = "locations"
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        CheckConstraint("length(btrim(name)) > 0", name="name"),
        # One name per tenant, whatever its case ("shelf a" is "Shelf A").
        Index("uq_locations_tenant_id_name", "tenant_id", func.lower(text("name")), unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), nullable=False)
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"), default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )


class SpoolEvent(Base):
    """One row per move, archive or restore of a spool (append-only: the app role cannot UPDATE/DELETE)."""

    __tablename__ = "spool_events"
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        Index("ix_spool_events_tenant_id_spool_id_created_at", "tenant_id", "spool_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    spool_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("spools.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    from_location: Mapped[str | None] = mapped_column(String(NAME_MAX_LENGTH))
    to_location: Mapped[str | None] = mapped_column(String(NAME_MAX_LENGTH))
    reason: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=text("clock_timestamp()")
    )
