"""Products (sellable items and bundles), their models and child products (images: ``images.models``)."""

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
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from batchivo_catalog.db import SCHEMA, Base


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        Index("uq_products_tenant_id_sku", "tenant_id", func.upper(text("sku")), unique=True),
        Index("ix_products_search", "search", postgresql_using="gin"),
        Index("ix_products_categories", "categories", postgresql_using="gin"),
        Index("ix_products_tenant_id_created_at", "tenant_id", "created_at"),
        Index("ix_products_tenant_id_sku", "tenant_id", "sku", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    packaging_cost: Mapped[Decimal] = mapped_column(Numeric(12, 2), server_default="0")
    assembly_minutes: Mapped[Decimal] = mapped_column(Numeric(10, 2), server_default="0")
    categories: Mapped[list[str]] = mapped_column(ARRAY(String(64)), server_default="{}")
    is_active: Mapped[bool] = mapped_column(Boolean, server_default="true")
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

    models: Mapped[list[ProductModel]] = relationship(lazy="raise", cascade="all, delete-orphan")
    children: Mapped[list[ProductChild]] = relationship(
        lazy="raise", cascade="all, delete-orphan", foreign_keys="ProductChild.product_id"
    )


class ProductModel(Base):
    __tablename__ = "product_models"
    __table_args__ = (
        UniqueConstraint("product_id", "model_id"),
        Index("ix_product_models_model_id", "model_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.products.id", ondelete="CASCADE"))
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.models.id"))
    quantity: Mapped[int] = mapped_column(Integer)


class ProductChild(Base):
    __tablename__ = "product_children"
    __table_args__ = (
        UniqueConstraint("product_id", "child_product_id"),
        Index("ix_product_children_child_product_id", "child_product_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.products.id", ondelete="CASCADE"))
    child_product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(f"{SCHEMA}.products.id"))
    quantity: Mapped[int] = mapped_column(Integer)
