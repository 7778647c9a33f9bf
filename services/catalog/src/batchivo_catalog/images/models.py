"""Metadata of product images; the bytes live in object storage (``batchivo_common.storage``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_catalog.db import SCHEMA, Base


class ProductImage(Base):
    """One image of a product: the re-encoded image and its WebP thumbnail under ``storage_key`` and
    ``thumbnail_key``; ``sha256`` (of the stored image) is its ETag. ``position`` orders a product's
    images from 0 (unique per product, checked at commit so a reorder may swap); at most one is primary."""

    __tablename__ = "product_images"
    __table_args__ = (
        UniqueConstraint(
            "product_id",
            "position",
            name="uq_product_images_product_id_position",
            deferrable=True,
            initially="DEFERRED",
        ),
        Index("uq_product_images_primary", "product_id", unique=True, postgresql_where=text("is_primary")),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.products.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(String(500))
    thumbnail_key: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    thumbnail_size_bytes: Mapped[int] = mapped_column(Integer)
    original_filename: Mapped[str | None] = mapped_column(String(255))
    alt_text: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, server_default="0")
    is_primary: Mapped[bool] = mapped_column(Boolean, server_default="false")
    #: Moves on with every PATCH (the ETag of its description; docs/api.md).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
