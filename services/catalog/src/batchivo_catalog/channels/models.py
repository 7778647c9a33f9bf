"""Sales channels and one list price per product and channel."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_catalog.db import SCHEMA, Base


class SalesChannel(Base):
    __tablename__ = "sales_channels"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    name: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str | None] = mapped_column(String(50))
    fee_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), server_default="0")
    fixed_fee: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    monthly_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    is_active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    #: Moves on with every PATCH (the ETag; docs/api.md).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ProductPrice(Base):
    __tablename__ = "product_prices"
    __table_args__ = (UniqueConstraint("product_id", "sales_channel_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.products.id", ondelete="CASCADE"))
    sales_channel_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(f"{SCHEMA}.sales_channels.id", ondelete="CASCADE")
    )
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
