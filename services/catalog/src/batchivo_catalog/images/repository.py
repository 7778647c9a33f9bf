"""Queries of product images."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.images.models import ProductImage
from batchivo_catalog.products.models import Product


class ImageRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def lock_product(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> bool:
        """Lock the product's row (uploads, deletes and reorders of one product run one at a time, so
        the per-product maximum and the positions hold); False when the tenant has no such product."""
        found = await self.session.scalar(
            select(Product.id)
            .where(Product.tenant_id == tenant_id, Product.id == product_id)
            .with_for_update()
        )
        return found is not None

    async def product_exists(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(Product.id).where(Product.tenant_id == tenant_id, Product.id == product_id)
        )
        return found is not None

    async def for_product(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> list[ProductImage]:
        rows = await self.session.scalars(
            select(ProductImage)
            .where(ProductImage.tenant_id == tenant_id, ProductImage.product_id == product_id)
            .order_by(ProductImage.position, ProductImage.id)
        )
        return list(rows)

    async def count(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> int:
        total = await self.session.scalar(
            select(func.count())
            .select_from(ProductImage)
            .where(ProductImage.tenant_id == tenant_id, ProductImage.product_id == product_id)
        )
        return int(total or 0)

    async def get(
        self, tenant_id: uuid.UUID, product_id: uuid.UUID, image_id: uuid.UUID
    ) -> ProductImage | None:
        return (
            await self.session.scalars(
                select(ProductImage).where(
                    ProductImage.tenant_id == tenant_id,
                    ProductImage.product_id == product_id,
                    ProductImage.id == image_id,
                )
            )
        ).first()

    async def clear_primary(self, product_id: uuid.UUID) -> None:
        await self.session.execute(
            update(ProductImage)
            .where(ProductImage.product_id == product_id, ProductImage.is_primary)
            .values(is_primary=False, updated_at=func.now())
        )
        await self.session.flush()
