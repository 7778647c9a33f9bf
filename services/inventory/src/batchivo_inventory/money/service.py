"""The shop's inventory money settings (``inventory_settings``) and the conversion of global costs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.money import rules
from batchivo_inventory.money.models import ShopSettings

#: Read on every priced spool's create (the type's cost republish): built once, the tenant bound.
_SETTINGS = select(ShopSettings).where(ShopSettings.tenant_id == bindparam("tenant_id"))


@dataclass(frozen=True, slots=True)
class MoneySettings:
    currency_code: str | None = None
    rate_from_eur: Decimal | None = None

    def global_cost(self, eur_per_kg: Decimal | None) -> rules.Cost:
        return rules.global_cost(
            eur_per_kg, currency_code=self.currency_code, rate_from_eur=self.rate_from_eur
        )


class MoneyService:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, tenant_id: uuid.UUID) -> MoneySettings:
        row = await self.session.scalar(_SETTINGS, {"tenant_id": tenant_id})
        if row is None:
            return MoneySettings()
        return MoneySettings(row.currency_code, row.rate_from_eur)

    async def put(
        self, tenant_id: uuid.UUID, *, currency_code: str, rate_from_eur: Decimal | None
    ) -> MoneySettings:
        values = {"currency_code": currency_code, "rate_from_eur": rate_from_eur}
        stmt = (
            insert(ShopSettings)
            .values(tenant_id=tenant_id, **values)
            .on_conflict_do_update(
                index_elements=[ShopSettings.tenant_id], set_={**values, "updated_at": func.now()}
            )
        )
        await self.session.execute(stmt)
        return MoneySettings(currency_code, rate_from_eur)

    async def types_of_global_materials(self, tenant_id: uuid.UUID) -> list[uuid.UUID]:
        """The shop's filament types whose material is a global one (their estimate is a converted cost)."""
        stmt = (
            select(FilamentType.id)
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .where(FilamentType.tenant_id == tenant_id, MaterialType.tenant_id.is_(None))
            .order_by(FilamentType.id)
        )
        return list((await self.session.scalars(stmt)).all())
