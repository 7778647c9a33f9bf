"""Queries of the tenant's categories: names with product counts, and the products that carry a name."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, bindparam, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import String

from batchivo_catalog.products.models import Product


@dataclass(frozen=True, slots=True)
class Tagged:
    """A product carrying a category, locked for the rename."""

    id: uuid.UUID
    sku: str
    name: str
    is_active: bool
    version: int
    categories: list[str]


def _has(name: str) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = Product.categories.contains(literal([name], ARRAY(String(64))))
    return condition


class CategoryRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def counts(self, tenant_id: uuid.UUID) -> list[tuple[str, int]]:
        """Every category name in use with its number of products, by name."""
        name = func.unnest(Product.categories).label("name")
        inner = select(name).where(Product.tenant_id == tenant_id).subquery()
        rows = await self.session.execute(
            select(inner.c.name, func.count()).group_by(inner.c.name).order_by(inner.c.name)
        )
        return [(str(n), int(c)) for n, c in rows]

    async def tagged(self, tenant_id: uuid.UUID, category: str) -> list[Tagged]:
        """The products with ``category`` (the GIN index on ``categories``), locked in id order."""
        rows = await self.session.execute(
            select(
                Product.id, Product.sku, Product.name, Product.is_active, Product.version, Product.categories
            )
            .where(Product.tenant_id == tenant_id, _has(category))
            .order_by(Product.id)
            .with_for_update()
        )
        return [Tagged(r[0], r[1], r[2], r[3], r[4], list(r[5])) for r in rows]

    async def count(self, tenant_id: uuid.UUID, category: str) -> int:
        total = await self.session.scalar(
            select(func.count()).select_from(Product).where(Product.tenant_id == tenant_id, _has(category))
        )
        return int(total or 0)

    async def set_categories(self, changes: Sequence[tuple[uuid.UUID, list[str]]]) -> None:
        """New category lists by product id, in one executemany; each product's version moves on."""
        if not changes:
            return
        table = Product.__table__
        assert isinstance(table, Table)
        await self.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(categories=bindparam("b_categories"), version=table.c.version + 1, updated_at=func.now()),
            [{"b_id": pid, "b_categories": names} for pid, names in changes],
        )
