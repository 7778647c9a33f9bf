"""Queries of sales channels and product prices."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.channels.models import ProductPrice, SalesChannel

SORTS = ("name", "platform", "created_at")


class Duplicate(Exception):
    pass


@dataclass(frozen=True, slots=True)
class ChannelPrice:
    """One product's list price on one channel, with the channel's terms."""

    product_id: uuid.UUID
    channel_id: uuid.UUID
    name: str
    platform: str | None
    fee_pct: Decimal
    fixed_fee: Decimal
    price: Decimal


class ChannelRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, tenant_id: uuid.UUID, channel_id: uuid.UUID) -> SalesChannel | None:
        return (
            await self.session.scalars(
                select(SalesChannel).where(SalesChannel.tenant_id == tenant_id, SalesChannel.id == channel_id)
            )
        ).first()

    async def page(
        self, tenant_id: uuid.UUID, *, limit: int, offset: int, sort: str, descending: bool
    ) -> tuple[Sequence[SalesChannel], int]:
        stmt = select(SalesChannel).where(SalesChannel.tenant_id == tenant_id)
        total = await self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        column = getattr(SalesChannel, sort)
        rows = await self.session.scalars(
            stmt.order_by(column.desc() if descending else column.asc(), SalesChannel.id)
            .limit(limit)
            .offset(offset)
        )
        return list(rows), int(total or 0)

    async def flush(self) -> None:
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if "uq_sales_channels_tenant_id_name" in str(exc.orig):
                raise Duplicate from exc
            raise

    async def set_price(
        self, tenant_id: uuid.UUID, product_id: uuid.UUID, channel_id: uuid.UUID, price: object
    ) -> None:
        stmt = insert(ProductPrice).values(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            product_id=product_id,
            sales_channel_id=channel_id,
            price=price,
        )
        await self.session.execute(
            stmt.on_conflict_do_update(
                constraint="uq_product_prices_product_id_sales_channel_id",
                set_={"price": stmt.excluded.price},
            )
        )

    async def remove_price(self, product_id: uuid.UUID, channel_id: uuid.UUID) -> bool:
        row = (
            await self.session.scalars(
                select(ProductPrice).where(
                    ProductPrice.product_id == product_id, ProductPrice.sales_channel_id == channel_id
                )
            )
        ).first()
        if row is None:
            return False
        await self.session.delete(row)
        await self.session.flush()
        return True
