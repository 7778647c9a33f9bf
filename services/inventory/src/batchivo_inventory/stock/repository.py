"""Aggregates over spools: a filament type's active grams, the low-stock types and the summary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.spools.models import Spool


@dataclass(frozen=True, slots=True)
class SummaryRow:
    filament: FilamentType
    material: MaterialType
    spool_count: int
    remaining_grams: Decimal
    #: Σ remaining * price / initial over the priced active spools.
    stock_value: Decimal


_ACTIVE = and_(Spool.filament_type_id == FilamentType.id, Spool.is_archived.is_(False))


class StockRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def lock_filament_type(
        self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID
    ) -> FilamentType | None:
        stmt = (
            select(FilamentType)
            .where(FilamentType.id == filament_type_id, FilamentType.tenant_id == tenant_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def active_grams(self, filament_type_id: uuid.UUID) -> Decimal:
        stmt = select(func.coalesce(func.sum(Spool.current_weight), 0)).where(
            Spool.filament_type_id == filament_type_id, Spool.is_archived.is_(False)
        )
        return Decimal(await self.session.scalar(stmt) or 0)

    def _totals(self, tenant_id: uuid.UUID) -> Select[FilamentType, MaterialType, int, Any, Any]:
        value = func.coalesce(
            func.sum(
                case(
                    (
                        Spool.purchase_price.is_not(None),
                        Spool.current_weight * Spool.purchase_price / Spool.initial_weight,
                    ),
                    else_=0,
                )
            ),
            0,
        )
        return (
            select(
                FilamentType,
                MaterialType,
                func.count(Spool.id).label("spool_count"),
                func.coalesce(func.sum(Spool.current_weight), 0).label("remaining"),
                value.label("value"),
            )
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .outerjoin(Spool, _ACTIVE)
            .where(FilamentType.tenant_id == tenant_id)
            .group_by(FilamentType.id, MaterialType.id)
        )

    async def low_filament_types(
        self, tenant_id: uuid.UUID
    ) -> list[tuple[FilamentType, MaterialType, Decimal]]:
        stmt = self._totals(tenant_id)
        stmt = stmt.having(
            and_(
                FilamentType.min_stock_grams > 0,
                func.coalesce(func.sum(Spool.current_weight), 0) < FilamentType.min_stock_grams,
            )
        ).order_by(FilamentType.brand, FilamentType.color_name, FilamentType.id)
        return [(r[0], r[1], Decimal(r[3])) for r in (await self.session.execute(stmt)).all()]

    async def summary(self, tenant_id: uuid.UUID) -> list[SummaryRow]:
        stmt = self._totals(tenant_id).order_by(
            MaterialType.code, FilamentType.brand, FilamentType.color_name
        )
        return [
            SummaryRow(r[0], r[1], int(r[2]), Decimal(r[3]), Decimal(r[4]))
            for r in (await self.session.execute(stmt)).all()
        ]
