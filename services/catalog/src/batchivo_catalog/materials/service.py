"""The tenant's catalog settings (rates) and the filament-type read model fed by inventory events."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.costing import MaterialCost, Rates
from batchivo_catalog.materials.models import FilamentTypeView
from batchivo_catalog.materials.repository import MaterialRepository

DEFAULT_RATES = Rates()


class MaterialService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.repo = MaterialRepository(session)
        self._rates: dict[uuid.UUID, Rates] = {}

    async def rates(self, tenant_id: uuid.UUID) -> Rates:
        """The tenant's rates, read once per request (a page costs models and products with them)."""
        if tenant_id not in self._rates:
            row = await self.repo.settings(tenant_id)
            self._rates[tenant_id] = (
                DEFAULT_RATES
                if row is None
                else Rates(row.labor_rate_per_hour, row.overhead_pct, row.price_multiplier)
            )
        return self._rates[tenant_id]

    def know_rates(self, tenant_id: uuid.UUID, rates: Rates) -> None:
        """Rates read along with another statement of this request (a list page's)."""
        self._rates[tenant_id] = rates

    async def update_settings(self, tenant_id: uuid.UUID, changes: dict[str, Any]) -> Rates:
        row = await self.repo.settings_for_update(tenant_id)
        for name, value in changes.items():
            if value is not None:
                setattr(row, name, value)
        row.updated_at = func.now()
        await self.session.flush()
        rates = Rates(
            Decimal(row.labor_rate_per_hour), Decimal(row.overhead_pct), Decimal(row.price_multiplier)
        )
        self._rates[tenant_id] = rates
        return rates

    async def costs(self, tenant_id: uuid.UUID, ids: set[uuid.UUID]) -> dict[uuid.UUID, MaterialCost]:
        found = await self.repo.filament_types(tenant_id, ids)
        return {
            i: MaterialCost(row.cost_per_gram, row.cost_is_estimate)
            for i, row in found.items()
            if not row.is_deleted
        }

    async def known(self, tenant_id: uuid.UUID, ids: set[uuid.UUID]) -> dict[uuid.UUID, FilamentTypeView]:
        found = await self.repo.filament_types(tenant_id, ids)
        return {i: row for i, row in found.items() if not row.is_deleted}

    async def apply_filament_type(
        self,
        tenant_id: uuid.UUID,
        filament_type_id: uuid.UUID,
        version: int,
        state: dict[str, Any],
        *,
        deleted: bool,
    ) -> bool:
        """Keep the highest ``aggregate_version``: an older or repeated event changes nothing."""
        cost = state.get("cost_per_gram")
        return await self.repo.upsert_filament_type(
            {
                "id": filament_type_id,
                "tenant_id": tenant_id,
                "material_code": state["material_code"],
                "brand": state["brand"],
                "color_name": state["color_name"],
                "color_hex": state.get("color_hex"),
                "cost_per_gram": None if cost is None else Decimal(str(cost)),
                "cost_is_estimate": bool(state["cost_is_estimate"]),
                "is_deleted": deleted,
                "aggregate_version": version,
                "updated_at": func.now(),
            }
        )
