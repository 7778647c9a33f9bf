"""Use cases of models: CRUD, BOM editing, costs, stock; every change publishes the model's state."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.contracts.catalog import ModelStateV1
from batchivo_common.errors import AppError, Conflict, NotFound
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import add_event
from sqlalchemy import Select, func
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog import costing
from batchivo_catalog.db import outbox
from batchivo_catalog.materials.models import FilamentTypeView
from batchivo_catalog.materials.service import MaterialService
from batchivo_catalog.models import rules
from batchivo_catalog.models.models import Model, ModelComponent, ModelMaterial, StockMovement
from batchivo_catalog.models.repository import (
    ComponentLine,
    Duplicate,
    MaterialLine,
    ModelHead,
    ModelRepository,
)

PRODUCER = "catalog"


class UnknownFilamentType(AppError):
    """A BOM line names a filament type the catalog does not know for this tenant (422, field named)."""

    status_code, code = 422, "VALIDATION_ERROR"


class InsufficientStock(AppError):
    status_code, code = 409, "INSUFFICIENT_STOCK"


@dataclass(frozen=True, slots=True)
class ModelView:
    model: Model
    materials: list[MaterialLine]
    components: list[ComponentLine]
    filaments: dict[uuid.UUID, FilamentTypeView]
    cost: costing.ModelCost
    actual_unit_cost: Decimal | None


@dataclass(frozen=True, slots=True)
class ModelSummary:
    """What a product shows of one of its models."""

    id: uuid.UUID
    sku: str
    name: str
    cost: costing.ModelCost
    actual_unit_cost: Decimal | None


def _average(actual: dict[uuid.UUID, Decimal], model_id: uuid.UUID) -> Decimal | None:
    average = actual.get(model_id)
    return None if average is None else costing.round3(average)


def summaries(
    heads: Sequence[tuple[ModelHead, Decimal | None]],
    boms: Mapping[uuid.UUID, Sequence[costing.BomLine]],
    components: Mapping[uuid.UUID, Sequence[costing.Component]],
    tenant_rates: costing.Rates,
) -> dict[uuid.UUID, ModelSummary]:
    """Cost each model (head with its average actual cost) from its BOM lines and components."""
    result = {}
    for h, actual in heads:
        cost = costing.model_cost(
            boms.get(h.id, ()),
            components.get(h.id, ()),
            h.labor_minutes,
            rules.model_rates(tenant_rates, h.labor_rate_override, h.overhead_pct_override),
        )
        average = None if actual is None else costing.round3(actual)
        result[h.id] = ModelSummary(h.id, h.sku, h.name, cost, average)
    return result


#: The order of a models export page (``ix_models_tenant_id_created_at`` serves it).
EXPORT_KEY = (Model.created_at, Model.id)


class ModelService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.repo = ModelRepository(session)
        self.materials = MaterialService(session)

    # --- reads ----------------------------------------------------------------------------------------
    async def views(self, tenant_id: uuid.UUID, models: Sequence[Model]) -> list[ModelView]:
        """Cost every model of ``models`` in a fixed number of queries."""
        ids = [m.id for m in models]
        materials, components = await self.repo.lines(ids)
        filaments = await self.materials.known(
            tenant_id, {line.filament_type_id for lines in materials.values() for line in lines}
        )
        actual = await self.repo.actual_costs(ids)
        tenant_rates = await self.materials.rates(tenant_id)
        views = []
        for m in models:
            lines, parts = materials.get(m.id, []), components.get(m.id, [])
            cost = self._cost(m, lines, parts, filaments, tenant_rates)
            views.append(ModelView(m, lines, parts, filaments, cost, _average(actual, m.id)))
        return views

    @staticmethod
    def _cost(
        model: Model | ModelHead,
        materials: list[MaterialLine],
        components: list[ComponentLine],
        filaments: dict[uuid.UUID, FilamentTypeView],
        tenant_rates: costing.Rates,
    ) -> costing.ModelCost:
        bom = []
        for line in materials:
            known = filaments.get(line.filament_type_id)
            material = (
                None if known is None else costing.MaterialCost(known.cost_per_gram, known.cost_is_estimate)
            )
            bom.append(costing.BomLine(str(line.filament_type_id), Decimal(line.grams), material))
        return costing.model_cost(
            bom,
            [costing.Component(Decimal(c.quantity), Decimal(c.unit_cost)) for c in components],
            Decimal(model.labor_minutes),
            rules.model_rates(tenant_rates, model.labor_rate_override, model.overhead_pct_override),
        )

    async def page(self, principal: Principal, **query: Any) -> tuple[list[ModelView], int]:
        models, total = await self.repo.page(principal.tenant_id, **query)
        return await self.views(principal.tenant_id, models), total

    def export_query(self, principal: Principal) -> Select[Model]:
        """Every model of the shop, for a keyset export (key: :data:`EXPORT_KEY`)."""
        return self.repo.export_query(principal.tenant_id)

    async def get(self, principal: Principal, model_id: uuid.UUID) -> ModelView:
        model = await self._own(principal.tenant_id, model_id)
        return (await self.views(principal.tenant_id, [model]))[0]

    async def _own(self, tenant_id: uuid.UUID, model_id: uuid.UUID, *, lock: bool = False) -> Model:
        model = await self.repo.get(tenant_id, model_id, lock=lock)
        if model is None:
            raise NotFound("Model not found")
        return model

    # --- writes ---------------------------------------------------------------------------------------
    async def _check_filaments(self, tenant_id: uuid.UUID, lines: list[dict[str, Any]], field: str) -> None:
        ids = {line["filament_type_id"] for line in lines}
        known = await self.materials.known(tenant_id, ids)
        for index, line in enumerate(lines):
            if line["filament_type_id"] not in known:
                raise UnknownFilamentType(
                    f"{field}[{index}].filament_type_id: unknown filament type {line['filament_type_id']}"
                )
        seen: set[uuid.UUID] = set()
        for index, line in enumerate(lines):
            if line["filament_type_id"] in seen:
                raise UnknownFilamentType(
                    f"{field}[{index}].filament_type_id: listed twice ({line['filament_type_id']})"
                )
            seen.add(line["filament_type_id"])

    def _material_rows(
        self, tenant_id: uuid.UUID, model_id: uuid.UUID, lines: list[dict[str, Any]]
    ) -> list[ModelMaterial]:
        return [
            ModelMaterial(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                model_id=model_id,
                position=i,
                filament_type_id=line["filament_type_id"],
                grams=line["grams"],
            )
            for i, line in enumerate(lines)
        ]

    def _component_rows(
        self, tenant_id: uuid.UUID, model_id: uuid.UUID, lines: list[dict[str, Any]]
    ) -> list[ModelComponent]:
        return [
            ModelComponent(id=uuid.uuid4(), tenant_id=tenant_id, model_id=model_id, position=i, **line)
            for i, line in enumerate(lines)
        ]

    async def create(self, principal: Principal, fields: dict[str, Any]) -> ModelView:
        tenant_id = principal.tenant_id
        materials = fields.pop("materials", [])
        components = fields.pop("components", [])
        fields["sku"] = rules.normalize_sku(fields["sku"])
        await self._check_filaments(tenant_id, materials, "materials")
        if await self.repo.sku_taken(tenant_id, fields["sku"]):
            raise Conflict(f"A model with SKU {fields['sku']} already exists")
        model = Model(id=uuid.uuid4(), tenant_id=tenant_id, version=1, units_in_stock=0, **fields)
        try:
            await self.repo.insert(model)
        except Duplicate:
            raise Conflict(f"A model with SKU {fields['sku']} already exists") from None
        self.session.add_all(self._material_rows(tenant_id, model.id, materials))
        self.session.add_all(self._component_rows(tenant_id, model.id, components))
        await self.session.flush()
        await self.session.refresh(model)
        return await self._changed(model, "catalog.model.created.v1", bump=False)

    async def update(self, principal: Principal, model_id: uuid.UUID, changes: dict[str, Any]) -> ModelView:
        model = await self._own(principal.tenant_id, model_id, lock=True)
        if "sku" in changes and changes["sku"] is not None:
            changes["sku"] = rules.normalize_sku(changes["sku"])
            if await self.repo.sku_taken(principal.tenant_id, changes["sku"], exclude=model.id):
                raise Conflict(f"A model with SKU {changes['sku']} already exists")
        for name in ("sku", "name", "prints_per_plate", "labor_minutes", "is_active"):
            if name in changes and changes[name] is None:
                changes.pop(name)
        for name, value in changes.items():
            setattr(model, name, value)
        try:
            await self.repo.flush()
        except Duplicate:
            raise Conflict(f"A model with SKU {model.sku} already exists") from None
        return await self._changed(model, "catalog.model.updated.v1")

    async def delete(self, principal: Principal, model_id: uuid.UUID) -> None:
        """Soft delete: the model leaves lists and frees its SKU; products that use it keep their rows."""
        model = await self._own(principal.tenant_id, model_id, lock=True)
        model.deleted_at = datetime.now(UTC)
        model.is_active = False
        await self.session.flush()
        await self._changed(model, "catalog.model.deleted.v1")

    async def replace_bom(self, principal: Principal, model_id: uuid.UUID, bom: dict[str, Any]) -> ModelView:
        tenant_id = principal.tenant_id
        model = await self._own(tenant_id, model_id, lock=True)
        await self._check_filaments(tenant_id, bom["materials"], "materials")
        await self.repo.replace_materials(
            model.id, self._material_rows(tenant_id, model.id, bom["materials"])
        )
        await self.repo.replace_components(
            model.id, self._component_rows(tenant_id, model.id, bom["components"])
        )
        return await self._changed(model, "catalog.model.updated.v1")

    async def add_material(
        self, principal: Principal, model_id: uuid.UUID, line: dict[str, Any]
    ) -> ModelView:
        tenant_id = principal.tenant_id
        model = await self._own(tenant_id, model_id, lock=True)
        existing, _ = await self.repo.lines([model.id])
        if any(m.filament_type_id == line["filament_type_id"] for m in existing.get(model.id, [])):
            raise Conflict("This filament type is already on the model's BOM; change its grams instead")
        await self._check_filaments(tenant_id, [line], "materials")
        self.session.add(
            ModelMaterial(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                model_id=model.id,
                position=len(existing.get(model.id, [])),
                **line,
            )
        )
        await self.session.flush()
        return await self._changed(model, "catalog.model.updated.v1")

    async def update_material(
        self, principal: Principal, model_id: uuid.UUID, line_id: uuid.UUID, grams: Decimal
    ) -> ModelView:
        model = await self._own(principal.tenant_id, model_id, lock=True)
        line = await self.repo.material(model.id, line_id)
        if line is None:
            raise NotFound("BOM line not found")
        line.grams = grams
        await self.session.flush()
        return await self._changed(model, "catalog.model.updated.v1")

    async def remove_material(self, principal: Principal, model_id: uuid.UUID, line_id: uuid.UUID) -> None:
        model = await self._own(principal.tenant_id, model_id, lock=True)
        line = await self.repo.material(model.id, line_id)
        if line is None:
            raise NotFound("BOM line not found")
        await self.session.delete(line)
        await self.session.flush()
        await self._changed(model, "catalog.model.updated.v1")

    async def add_component(
        self, principal: Principal, model_id: uuid.UUID, line: dict[str, Any]
    ) -> ModelView:
        model = await self._own(principal.tenant_id, model_id, lock=True)
        _, existing = await self.repo.lines([model.id])
        self.session.add(
            ModelComponent(
                id=uuid.uuid4(),
                tenant_id=principal.tenant_id,
                model_id=model.id,
                position=len(existing.get(model.id, [])),
                **line,
            )
        )
        await self.session.flush()
        return await self._changed(model, "catalog.model.updated.v1")

    async def update_component(
        self, principal: Principal, model_id: uuid.UUID, line_id: uuid.UUID, changes: dict[str, Any]
    ) -> ModelView:
        model = await self._own(principal.tenant_id, model_id, lock=True)
        line = await self.repo.component(model.id, line_id)
        if line is None:
            raise NotFound("Component not found")
        for name, value in changes.items():
            if value is not None:
                setattr(line, name, value)
        await self.session.flush()
        return await self._changed(model, "catalog.model.updated.v1")

    async def remove_component(self, principal: Principal, model_id: uuid.UUID, line_id: uuid.UUID) -> None:
        model = await self._own(principal.tenant_id, model_id, lock=True)
        line = await self.repo.component(model.id, line_id)
        if line is None:
            raise NotFound("Component not found")
        await self.session.delete(line)
        await self.session.flush()
        await self._changed(model, "catalog.model.updated.v1")

    # --- stock ----------------------------------------------------------------------------------------
    async def adjust_stock(
        self, principal: Principal, model_id: uuid.UUID, delta: int, reason: str
    ) -> ModelView:
        model = await self._own(principal.tenant_id, model_id)
        moved = await self.repo.move_model_stock(
            principal.tenant_id, model.id, delta, kind="adjustment", reason=reason, actor_id=principal.user_id
        )
        if moved is None:
            raise InsufficientStock(f"Model {model.sku} has fewer than {-delta} units in stock")
        await self.session.refresh(model)
        return (await self.views(principal.tenant_id, [model]))[0]

    async def movements(
        self, principal: Principal, model_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[StockMovement], int]:
        await self._own(principal.tenant_id, model_id)
        return await self.repo.movements(principal.tenant_id, model_id=model_id, limit=limit, offset=offset)

    # --- events ---------------------------------------------------------------------------------------
    async def _changed(self, model: Model, event_type: str, *, bump: bool = True) -> ModelView:
        if bump:
            model.version = model.version + 1
            model.updated_at = func.now()
            await self.session.flush()
            await self.session.refresh(model)
        view = (await self.views(model.tenant_id, [model]))[0]
        state = ModelStateV1(
            model_id=model.id,
            sku=model.sku,
            name=model.name,
            is_active=model.is_active,
            prints_per_plate=model.prints_per_plate,
            print_time_minutes=model.print_time_minutes,
            materials=[
                {"filament_type_id": line.filament_type_id, "grams": float(line.grams)}
                for line in view.materials
            ],
        )
        await add_event(
            self.session,
            outbox,
            new_event(
                event_type,
                producer=PRODUCER,
                tenant_id=model.tenant_id,
                data=state,
                aggregate_id=model.id,
                aggregate_version=model.version,
            ),
        )
        return view
