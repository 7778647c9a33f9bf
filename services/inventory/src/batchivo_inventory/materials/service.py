"""Use cases of material types and filament types; filament-type changes publish their state events."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.contracts.inventory import FilamentTypeStateV1
from batchivo_common.errors import Conflict, Forbidden, NotFound
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import add_event
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.db import outbox
from batchivo_inventory.materials import rules
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.materials.repository import (
    Duplicate,
    FilamentTypeRepository,
    MaterialTypeRepository,
)
from batchivo_inventory.money.service import MoneyService, MoneySettings
from batchivo_inventory.stock.rules import filament_type_cost
from batchivo_inventory.stock.service import StockService

PRODUCER = "inventory"


class UnknownMaterialType(NotFound):
    """Referenced material type is missing or another tenant's (a 404 on the referenced id)."""


@dataclass(frozen=True, slots=True)
class FilamentTypeView:
    filament: FilamentType
    material: MaterialType
    cost_per_gram: Decimal | None
    cost_is_estimate: bool


class MaterialTypeService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.materials = MaterialTypeRepository(session)

    async def page(
        self, principal: Principal, *, limit: int, offset: int, sort: str, descending: bool
    ) -> tuple[Sequence[MaterialType], int]:
        return await self.materials.page(
            principal.tenant_id, limit=limit, offset=offset, sort=sort, descending=descending
        )

    async def money(self, principal: Principal) -> MoneySettings:
        """The shop's money settings: a global type's EUR cost is shown through them (money/rules.py)."""
        return await MoneyService(self.session).get(principal.tenant_id)

    async def get(self, principal: Principal, material_type_id: uuid.UUID) -> MaterialType:
        material = await self.materials.get(principal.tenant_id, material_type_id)
        if material is None:
            raise NotFound("Material type not found")
        return material

    async def create(self, principal: Principal, fields: dict[str, Any]) -> MaterialType:
        code = rules.normalize_code(fields.pop("code"))
        if await self.materials.code_taken(principal.tenant_id, code):
            raise Conflict(f"Material type {code} already exists")
        material = MaterialType(id=uuid.uuid4(), tenant_id=principal.tenant_id, code=code, **fields)
        try:
            await self.materials.insert(material)
        except Duplicate:
            raise Conflict(f"Material type {code} already exists") from None
        return material

    async def update(
        self, principal: Principal, material_type_id: uuid.UUID, changes: dict[str, Any]
    ) -> MaterialType:
        material = await self._own(principal, material_type_id)
        republish = any(
            name in ("typical_cost_per_kg", "code") and getattr(material, name) != value
            for name, value in changes.items()
        )
        for name, value in changes.items():
            setattr(material, name, value)
        await self.materials.flush()
        if republish:
            # The estimate (typical cost / 1000) and the material code are part of each filament type's
            # state: its read models (the catalog's costs) must hear about the change.
            types = FilamentTypeService(self.session)
            for filament_type_id in await types.filaments.ids_of_material(principal.tenant_id, material.id):
                await types.touched(principal.tenant_id, filament_type_id)
        return material

    async def delete(self, principal: Principal, material_type_id: uuid.UUID) -> None:
        material = await self._own(principal, material_type_id)
        if await self.materials.in_use(material.id):
            raise Conflict("Filament types use this material type", code="IN_USE")
        await self.materials.delete(material)

    async def _own(self, principal: Principal, material_type_id: uuid.UUID) -> MaterialType:
        material = await self.get(principal, material_type_id)
        if material.is_global:
            raise Forbidden("Global material types are read-only")
        return material


#: The order of a filament-types export page.
EXPORT_KEY = (FilamentType.created_at, FilamentType.id)


class FilamentTypeService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.filaments = FilamentTypeRepository(session)
        self.materials = MaterialTypeRepository(session)
        self._money_settings: MoneySettings | None = None

    async def view(self, filament: FilamentType, material: MaterialType) -> FilamentTypeView:
        # The priced totals are kept by triggers on spools (ADR 0023): read, never summed here.
        priced = (
            [(filament.priced_price_total, filament.priced_weight_total)]
            if filament.priced_spool_count
            else []
        )
        cost, estimate = filament_type_cost(priced, None)
        if cost is None:
            # No priced spool: the material's typical cost prices the type, as an estimate. Only then are
            # the shop's money settings read (a statement the priced types, and so most creates, skip).
            typical = material.typical_cost_per_kg
            if material.is_global:
                # A global cost is EUR: only its value in the shop's currency may price the type (money/).
                converted = (await self._money(filament.tenant_id)).global_cost(typical)
                typical = converted.value if converted.currency is None else None
            cost, estimate = filament_type_cost(priced, typical)
        return FilamentTypeView(filament, material, cost, estimate)

    async def _money(self, tenant_id: uuid.UUID) -> MoneySettings:
        if self._money_settings is None:
            self._money_settings = await MoneyService(self.session).get(tenant_id)
        return self._money_settings

    async def page(
        self,
        principal: Principal,
        *,
        limit: int,
        offset: int,
        sort: str,
        descending: bool,
        material_type_id: uuid.UUID | None,
        q: str | None,
    ) -> tuple[list[FilamentTypeView], int]:
        rows, total = await self.filaments.page(
            principal.tenant_id,
            limit=limit,
            offset=offset,
            sort=sort,
            descending=descending,
            material_type_id=material_type_id,
            q=q,
        )
        return [await self.view(f, m) for f, m in rows], total

    def export_query(self, principal: Principal) -> Select[FilamentType]:
        """Every filament type of the shop, for a keyset export (key: :data:`EXPORT_KEY`)."""
        return self.filaments.export_query(principal.tenant_id)

    async def views_of(self, filaments: list[FilamentType]) -> list[FilamentTypeView]:
        materials = await self.filaments.materials_of({f.material_type_id for f in filaments})
        return [await self.view(f, materials[f.material_type_id]) for f in filaments]

    async def get(self, principal: Principal, filament_type_id: uuid.UUID) -> FilamentTypeView:
        filament, material = await self._load(principal.tenant_id, filament_type_id)
        return await self.view(filament, material)

    async def create(self, principal: Principal, fields: dict[str, Any]) -> FilamentTypeView:
        material = await self._material(principal, fields["material_type_id"])
        fields["brand"] = rules.clean_text(fields["brand"])
        fields["color_name"] = rules.clean_text(fields["color_name"])
        filament = FilamentType(id=uuid.uuid4(), tenant_id=principal.tenant_id, version=1, **fields)
        try:
            await self.filaments.insert(filament)
        except Duplicate:
            raise Conflict("A filament type with this material, brand and colour already exists") from None
        view = await self.view(filament, material)
        await self.publish(view, "created")
        return view

    async def update(
        self, principal: Principal, filament_type_id: uuid.UUID, changes: dict[str, Any]
    ) -> FilamentTypeView:
        filament, material = await self._load(principal.tenant_id, filament_type_id, for_update=True)
        if "material_type_id" in changes and changes["material_type_id"] != filament.material_type_id:
            material = await self._material(principal, changes["material_type_id"])
        for name in ("brand", "color_name"):
            if name in changes:
                changes[name] = rules.clean_text(changes[name])
        for name, value in changes.items():
            setattr(filament, name, value)
        filament.version += 1
        try:
            await self.filaments.flush()
        except Duplicate:
            raise Conflict("A filament type with this material, brand and colour already exists") from None
        view = await self.view(filament, material)
        await self.publish(view, "updated")
        if "min_stock_grams" in changes:
            await StockService(self.session).check_filament_type(filament.tenant_id, filament.id)
        return view

    async def delete(self, principal: Principal, filament_type_id: uuid.UUID) -> None:
        filament, material = await self._load(principal.tenant_id, filament_type_id, for_update=True)
        if await self.filaments.in_use(filament.id):
            raise Conflict("Spools use this filament type", code="IN_USE")
        view = await self.view(filament, material)
        filament.version += 1
        await self.publish(view, "deleted")
        await self.filaments.delete(filament)

    async def touched(self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID) -> None:
        """A spool change moved the type's cost per gram: bump its version and publish ``updated``."""
        loaded = await self.filaments.bump_version(tenant_id, filament_type_id)
        if loaded is None:  # pragma: no cover - the spool's FK guarantees it
            return
        filament, material = loaded
        await self.publish(await self.view(filament, material), "updated")

    async def republish(self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID) -> None:
        """New priced spools moved the type's cost per gram: their insert moved its version on, under the
        row lock this transaction holds (spools/repository.py); publish ``updated`` with the type as it
        is now."""
        filament, material = await self._load(tenant_id, filament_type_id, for_update=True)
        await self.publish(await self.view(filament, material), "updated")

    async def publish(self, view: FilamentTypeView, verb: str) -> None:
        f, m = view.filament, view.material
        data = FilamentTypeStateV1(
            filament_type_id=f.id,
            material_type_id=m.id,
            material_code=m.code,
            brand=f.brand,
            color_name=f.color_name,
            color_hex=f.color_hex,
            finish=f.finish,
            diameter_mm=float(f.diameter_mm),
            min_stock_grams=float(f.min_stock_grams),
            cost_per_gram=float(view.cost_per_gram) if view.cost_per_gram is not None else None,
            cost_is_estimate=view.cost_is_estimate,
            spoolman_id=f.spoolman_id,
        )
        event = new_event(
            f"inventory.filament_type.{verb}.v1",
            producer=PRODUCER,
            tenant_id=f.tenant_id,
            aggregate_id=f.id,
            aggregate_version=f.version,
            data=data.model_dump(),
        )
        await add_event(self.session, outbox, event)

    async def _load(
        self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID, *, for_update: bool = False
    ) -> tuple[FilamentType, MaterialType]:
        loaded = await self.filaments.get(tenant_id, filament_type_id, for_update=for_update)
        if loaded is None:
            raise NotFound("Filament type not found")
        return loaded

    async def _material(self, principal: Principal, material_type_id: uuid.UUID) -> MaterialType:
        material = await self.materials.get(principal.tenant_id, material_type_id)
        if material is None:
            raise UnknownMaterialType("Material type not found")
        return material
