"""``inventory.spools``, ``inventory.spool_code_counters`` and the ledger ``inventory_transactions``."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_inventory.db import Base

GRAMS = Numeric(12, 2)


class Spool(Base):
    __tablename__ = "spools"
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("initial_weight > 0", name="initial_weight"),
        CheckConstraint("current_weight >= 0", name="current_weight"),
        # Every list filters on is_archived: with it in the filter indexes, ``total`` is an index-only scan.
        Index(
            "ix_spools_tenant_id_filament_type_id_is_archived", "tenant_id", "filament_type_id", "is_archived"
        ),
        Index("ix_spools_tenant_id_location_id_is_archived", "tenant_id", "location_id", "is_archived"),
        # The location filter: a case-insensitive prefix or exact name, as a range on location_key.
        Index("ix_spools_tenant_id_location_key_is_archived", "tenant_id", "location_key", "is_archived"),
        # The list's orders (default: code): a page walks one of these and reads ~limit + offset rows,
        # whatever the tenant's size. NOT NULL columns serve both directions with one index (scanned
        # backwards); nullable ones keep NULLs last both ways, so they have a descending twin.
        # Migration 0011_spool_list_scale, docs/adr/0018-spool-list-scale.md.
        Index("ix_spools_tenant_id_code_number", "tenant_id", "code_number", "code", "id"),
        Index(
            "ix_spools_tenant_id_code_number_desc",
            "tenant_id",
            text("code_number DESC NULLS LAST"),
            text("code DESC"),
            text("id DESC"),
        ),
        Index("ix_spools_tenant_id_created_at_id", "tenant_id", "created_at", "id"),
        Index("ix_spools_tenant_id_current_weight_id", "tenant_id", "current_weight", "id"),
        Index(
            "ix_spools_tenant_id_remaining_pct_id",
            "tenant_id",
            text("(current_weight / initial_weight)"),
            "id",
        ),
        Index("ix_spools_tenant_id_location_order", "tenant_id", "location", "id"),
        Index(
            "ix_spools_tenant_id_location_order_desc",
            "tenant_id",
            text("location DESC NULLS LAST"),
            text("id DESC"),
        ),
        Index("ix_spools_tenant_id_purchase_date_id", "tenant_id", "purchase_date", "id"),
        Index(
            "ix_spools_tenant_id_purchase_date_desc",
            "tenant_id",
            text("purchase_date DESC NULLS LAST"),
            text("id DESC"),
        ),
        Index("ix_spools_tenant_id_is_archived", "tenant_id", "is_archived"),
        # Counts the low_stock=true filter (index-only) and finds a few low spools among many.
        Index(
            "ix_spools_tenant_id_low_stock",
            "tenant_id",
            "is_archived",
            postgresql_where=text("current_weight * 100 < low_stock_threshold_pct * initial_weight"),
        ),
        Index("ix_spools_tenant_id_search_document", "tenant_id", "search_document", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    #: The number of a generated code (``FIL-042`` → 42), NULL for a chosen one: numeric order of codes.
    code_number: Mapped[int | None] = mapped_column(
        BigInteger, Computed(r"CAST(substring(code from '^FIL-(\d{1,18})$') AS bigint)", persisted=True)
    )
    filament_type_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("filament_types.id"), nullable=False)
    initial_weight: Mapped[Decimal] = mapped_column(GRAMS, nullable=False)
    current_weight: Mapped[Decimal] = mapped_column(GRAMS, nullable=False)
    empty_spool_weight: Mapped[Decimal | None] = mapped_column(GRAMS)
    purchase_price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    purchase_date: Mapped[date | None] = mapped_column(Date)
    supplier: Mapped[str | None] = mapped_column(String(200))
    #: The name of ``location_id``'s row, kept equal to it (display, search, sort); NULL with no location.
    location: Mapped[str | None] = mapped_column(String(100))
    location_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("locations.id", ondelete="RESTRICT")
    )
    #: ``lower(location)`` in byte order: the location filter's key (only for filtering; never loaded).
    location_key: Mapped[str | None] = mapped_column(
        String(100, collation="C"), Computed("lower(location)", persisted=True), deferred=True
    )
    lot_number: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    is_archived: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false"), default=False
    )
    low_stock_threshold_pct: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), nullable=False, server_default=text("20")
    )
    low_stock_notified: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("false"), default=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, server_default=text("1"), default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )
    #: Only for ``?q=``; never loaded. Written by the database's triggers from the spool, its filament type
    #: and its material (migrations/versions/0004_spool_search.py, docs/adr/0014-spool-search.md).
    search_document: Mapped[str | None] = mapped_column(TSVECTOR, deferred=True)


#: A word (3+ letters) of the tenant's search documents, for matching misspelt query words by trigrams.
#: Written only by the database's triggers, read only by ``inventory.search_suggestions``. No key: concurrent
#: inserts of one new word never wait on each other, and a rare duplicate is harmless.
spool_search_terms = Table(
    "spool_search_terms",
    Base.metadata,
    Column("tenant_id", Uuid, nullable=False),
    Column("term", Text, nullable=False),
    Index("ix_spool_search_terms_tenant_id_term", "tenant_id", "term"),
    Index(
        "ix_spool_search_terms_term_trgm",
        "term",
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    ),
)


class SpoolCodeCounter(Base):
    """The next number of a tenant's ``FIL-nnn`` codes; only ever goes up (codes are never reused)."""

    __tablename__ = "spool_code_counters"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    next_value: Mapped[int] = mapped_column(BigInteger, nullable=False)


class InventoryTransaction(Base):
    """One row per change of a spool's ``current_weight`` (append-only: the app role cannot UPDATE/DELETE)."""

    __tablename__ = "inventory_transactions"
    __mapper_args__ = {"eager_defaults": True}
    __table_args__ = (
        UniqueConstraint(
            "tenant_id", "source_event_id", "spool_id", "kind", name="uq_inventory_transactions_source_event"
        ),
        Index("ix_inventory_transactions_tenant_id_spool_id", "tenant_id", "spool_id", "created_at"),
        Index("ix_inventory_transactions_tenant_id_production_run_id", "tenant_id", "production_run_id"),
        Index("ix_inventory_transactions_created_at", "created_at"),
        # The shop-wide ledger's keyset order (history/); migration 0008_history.
        Index("ix_inventory_transactions_tenant_id_created_at_id", "tenant_id", "created_at", "id"),
        # An API key's rows, for the Spoolman-compatible use's coalescing; migration 0014_usage_coalescing.
        Index(
            "ix_inventory_transactions_tenant_id_api_key_id",
            "tenant_id",
            "api_key_id",
            "created_at",
            postgresql_where=text("api_key_id IS NOT NULL"),
        ),
        Index(
            "ix_inventory_transactions_tenant_id_run_reason",
            "tenant_id",
            "reason",
            postgresql_where=text("production_run_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    spool_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("spools.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    grams_before: Mapped[Decimal] = mapped_column(GRAMS, nullable=False)
    delta: Mapped[Decimal] = mapped_column(GRAMS, nullable=False)
    grams_after: Mapped[Decimal] = mapped_column(GRAMS, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(200))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    source_event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    production_run_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reversal_of_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("inventory_transactions.id"))
    #: The API key that booked the row (a printer through the Spoolman-compatible API); its ``usage`` row
    #: is the only kind of row that can grow afterwards (migration 0014_usage_coalescing).
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=text("clock_timestamp()")
    )
