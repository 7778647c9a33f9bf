"""Use cases of sales channels (admin writes) and list prices per product and channel."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import Conflict, NotFound
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.channels.models import SalesChannel
from batchivo_catalog.channels.repository import ChannelRepository, Duplicate


class ChannelService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.repo = ChannelRepository(session)

    async def page(self, principal: Principal, **query: Any) -> tuple[Sequence[SalesChannel], int]:
        return await self.repo.page(principal.tenant_id, **query)

    async def get(self, principal: Principal, channel_id: uuid.UUID) -> SalesChannel:
        channel = await self.repo.get(principal.tenant_id, channel_id)
        if channel is None:
            raise NotFound("Sales channel not found")
        return channel

    async def create(self, principal: Principal, fields: dict[str, Any]) -> SalesChannel:
        channel = SalesChannel(id=uuid.uuid4(), tenant_id=principal.tenant_id, **fields)
        self.session.add(channel)
        try:
            await self.repo.flush()
        except Duplicate:
            raise Conflict(f"A sales channel named {fields['name']!r} already exists") from None
        await self.session.refresh(channel)
        return channel

    async def update(
        self, principal: Principal, channel_id: uuid.UUID, changes: dict[str, Any]
    ) -> SalesChannel:
        channel = await self.get(principal, channel_id)
        for name, value in changes.items():
            if value is not None or name == "platform":
                setattr(channel, name, value)
        channel.updated_at = func.now()
        try:
            await self.repo.flush()
        except Duplicate:
            raise Conflict(f"A sales channel named {channel.name!r} already exists") from None
        await self.session.refresh(channel)
        return channel

    async def delete(self, principal: Principal, channel_id: uuid.UUID) -> None:
        channel = await self.get(principal, channel_id)
        await self.session.delete(channel)
        await self.session.flush()

    async def set_price(
        self, principal: Principal, product_id: uuid.UUID, channel_id: uuid.UUID, price: object
    ) -> None:
        await self.get(principal, channel_id)
        await self.repo.set_price(principal.tenant_id, product_id, channel_id, price)

    async def remove_price(self, principal: Principal, product_id: uuid.UUID, channel_id: uuid.UUID) -> None:
        if not await self.repo.remove_price(product_id, channel_id):
            raise NotFound("No price for this product on this channel")
