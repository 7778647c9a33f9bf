"""Queries of models, their BOM lines, components, run contributions and the stock ledger.

Loading a page is a fixed number of statements whatever its size: the models, then their lines,
components and actual-cost aggregates each in one ``IN`` query.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    delete,
    func,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.models.models import (
    Model,
    ModelComponent,
    ModelMaterial,
    RunContribution,
    StockMovement,
)
from batchivo_catalog.sql import among

SORTS = ("sku", "name", "created_at", "updated_at", "units_in_stock")


class Duplicate(Exception):
    pass


@dataclass(frozen=True, slots=True)
class ModelHead:
    """The columns a product's cost needs of a model."""

    id: uuid.UUID
    sku: str
    name: str
    labor_minutes: Decimal
    labor_rate_override: Decimal | None
    overhead_pct_override: Decimal | None


@dataclass(frozen=True, slots=True)
class MaterialLine:
    id: uuid.UUID
    model_id: uuid.UUID
    filament_type_id: uuid.UUID
    grams: Decimal


@dataclass(frozen=True, slots=True)
class ComponentLine:
    id: uuid.UUID
    model_id: uuid.UUID
    name: str
    quantity: Decimal
    unit_cost: Decimal


def search_words(q: str) -> list[str]:
    """The words of ``q``: runs of letters and digits (only those reach ``to_tsquery``)."""
    return [w for w in "".join(c if c.isalnum() else " " for c in q).split() if w]


def search_filter(search: Any, q: str) -> ColumnElement[bool]:
    """Every word of ``q`` as a prefix match over the ``tsvector`` column (``q`` without any letter or
    digit matches everything). Only letters and digits reach ``to_tsquery``, so its syntax cannot break."""
    words = search_words(q)
    if not words:
        return true()
    condition: ColumnElement[bool] = search.op("@@")(
        func.to_tsquery("simple", " & ".join(f"{w}:*" for w in words))
    )
    return condition


class ModelRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    def _live(self, tenant_id: uuid.UUID) -> Select[Any]:
        return select(Model).where(Model.tenant_id == tenant_id, Model.deleted_at.is_(None))

    def export_query(self, tenant_id: uuid.UUID) -> Select[Model]:
        """The live (not deleted) models, for a keyset export."""
        return select(Model).where(Model.tenant_id == tenant_id, Model.deleted_at.is_(None))

    async def get(self, tenant_id: uuid.UUID, model_id: uuid.UUID, *, lock: bool = False) -> Model | None:
        stmt = self._live(tenant_id).where(Model.id == model_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def live_ids(self, tenant_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        rows = await self.session.scalars(
            select(Model.id).where(
                Model.tenant_id == tenant_id, Model.deleted_at.is_(None), among(Model.id, ids)
            )
        )
        return set(rows)

    async def page(
        self,
        tenant_id: uuid.UUID,
        *,
        limit: int,
        offset: int,
        sort: str,
        descending: bool,
        q: str | None = None,
        active: bool | None = None,
        has_stock: bool | None = None,
    ) -> tuple[Sequence[Model], int]:
        stmt = self._live(tenant_id)
        if q:
            stmt = stmt.where(search_filter(Model.search, q))
        if active is not None:
            stmt = stmt.where(Model.is_active.is_(active))
        if has_stock is not None:
            stmt = stmt.where(Model.units_in_stock > 0 if has_stock else Model.units_in_stock == 0)
        total = await self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        column = getattr(Model, sort)
        order = column.desc() if descending else column.asc()
        rows = await self.session.scalars(stmt.order_by(order, Model.id).limit(limit).offset(offset))
        return list(rows), int(total or 0)

    async def skus(self, tenant_id: uuid.UUID, prefix: str) -> list[str]:
        rows = await self.session.scalars(
            select(Model.sku).where(
                Model.tenant_id == tenant_id,
                Model.deleted_at.is_(None),
                func.upper(Model.sku).like(prefix.upper().replace("%", r"\%").replace("_", r"\_") + "-%"),
            )
        )
        return list(rows)

    async def sku_taken(self, tenant_id: uuid.UUID, sku: str, exclude: uuid.UUID | None = None) -> bool:
        stmt = self._live(tenant_id).where(func.upper(Model.sku) == sku.upper())
        if exclude is not None:
            stmt = stmt.where(Model.id != exclude)
        return (await self.session.scalars(stmt.limit(1))).first() is not None

    async def insert(self, model: Model) -> None:
        self.session.add(model)
        await self.flush()

    async def flush(self) -> None:
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if "uq_models_tenant_id_sku" in str(exc.orig):
                raise Duplicate from exc
            raise

    async def heads(self, tenant_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[ModelHead]:
        m = Model
        rows = await self.session.execute(
            select(
                m.id, m.sku, m.name, m.labor_minutes, m.labor_rate_override, m.overhead_pct_override
            ).where(m.tenant_id == tenant_id, among(m.id, ids))
        )
        return [ModelHead(*row) for row in rows]

    async def lines(
        self, model_ids: Sequence[uuid.UUID]
    ) -> tuple[dict[uuid.UUID, list[MaterialLine]], dict[uuid.UUID, list[ComponentLine]]]:
        """BOM lines and components of ``model_ids`` as plain rows (two statements, no ORM identity map:
        a page of products reads hundreds of them)."""
        materials: dict[uuid.UUID, list[MaterialLine]] = defaultdict(list)
        components: dict[uuid.UUID, list[ComponentLine]] = defaultdict(list)
        if model_ids:
            mm = ModelMaterial
            for row in await self.session.execute(
                select(mm.id, mm.model_id, mm.filament_type_id, mm.grams)
                .where(among(mm.model_id, model_ids))
                .order_by(mm.position, mm.id)
            ):
                materials[row[1]].append(MaterialLine(*row))
            mc = ModelComponent
            for comp in await self.session.execute(
                select(mc.id, mc.model_id, mc.name, mc.quantity, mc.unit_cost)
                .where(among(mc.model_id, model_ids))
                .order_by(mc.position, mc.id)
            ):
                components[comp[1]].append(ComponentLine(*comp))
        return materials, components

    async def actual_costs(self, model_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
        """Quantity-weighted average actual unit cost per model (only runs that carried a cost)."""
        if not model_ids:
            return {}
        units = func.sum(RunContribution.successful_units)
        rows = await self.session.execute(
            select(
                RunContribution.model_id,
                func.sum(RunContribution.successful_units * RunContribution.actual_unit_cost),
                units,
            )
            .where(
                among(RunContribution.model_id, model_ids),
                RunContribution.actual_unit_cost.is_not(None),
                RunContribution.successful_units > 0,
            )
            .group_by(RunContribution.model_id)
        )
        return {mid: Decimal(total) / Decimal(n) for mid, total, n in rows if n}

    async def replace_materials(self, model_id: uuid.UUID, rows: list[ModelMaterial]) -> None:
        await self.session.execute(delete(ModelMaterial).where(ModelMaterial.model_id == model_id))
        self.session.add_all(rows)
        await self.session.flush()

    async def replace_components(self, model_id: uuid.UUID, rows: list[ModelComponent]) -> None:
        await self.session.execute(delete(ModelComponent).where(ModelComponent.model_id == model_id))
        self.session.add_all(rows)
        await self.session.flush()

    async def material(self, model_id: uuid.UUID, line_id: uuid.UUID) -> ModelMaterial | None:
        return (
            await self.session.scalars(
                select(ModelMaterial).where(ModelMaterial.model_id == model_id, ModelMaterial.id == line_id)
            )
        ).first()

    async def component(self, model_id: uuid.UUID, line_id: uuid.UUID) -> ModelComponent | None:
        return (
            await self.session.scalars(
                select(ModelComponent).where(
                    ModelComponent.model_id == model_id, ModelComponent.id == line_id
                )
            )
        ).first()

    async def models_using(self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.session.scalars(
            select(ModelMaterial.model_id).where(
                ModelMaterial.tenant_id == tenant_id, ModelMaterial.filament_type_id == filament_type_id
            )
        )
        return list(rows)

    # --- stock --------------------------------------------------------------------------------------
    async def move_model_stock(
        self, tenant_id: uuid.UUID, model_id: uuid.UUID, delta: int, **fields: object
    ) -> StockMovement | None:
        return await move_units(self.session, Model, tenant_id, model_id, delta, model_id=model_id, **fields)

    async def movements(
        self,
        tenant_id: uuid.UUID,
        *,
        model_id: uuid.UUID | None = None,
        product_id: uuid.UUID | None = None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[StockMovement], int]:
        stmt = select(StockMovement).where(StockMovement.tenant_id == tenant_id)
        if model_id is not None:
            stmt = stmt.where(StockMovement.model_id == model_id)
        if product_id is not None:
            stmt = stmt.where(StockMovement.product_id == product_id)
        total = await self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = await self.session.scalars(
            stmt.order_by(StockMovement.created_at.desc(), StockMovement.id).limit(limit).offset(offset)
        )
        return list(rows), int(total or 0)

    async def current_units(self, tenant_id: uuid.UUID, model_id: uuid.UUID) -> int:
        value = await self.session.scalar(
            select(Model.units_in_stock)
            .where(Model.tenant_id == tenant_id, Model.id == model_id)
            .with_for_update()
        )
        return int(value or 0)

    async def contributions(self, tenant_id: uuid.UUID, run_id: uuid.UUID) -> list[RunContribution]:
        rows = await self.session.scalars(
            select(RunContribution).where(
                RunContribution.tenant_id == tenant_id, RunContribution.run_id == run_id
            )
        )
        return list(rows)

    async def add_contribution(self, row: RunContribution) -> None:
        self.session.add(row)
        await self.session.flush()

    async def remove_contributions(self, tenant_id: uuid.UUID, run_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(RunContribution).where(
                RunContribution.tenant_id == tenant_id, RunContribution.run_id == run_id
            )
        )


async def move_units(
    session: AsyncSession,
    entity: type[Any],  # Model or Product: both carry id, tenant_id and units_in_stock
    tenant_id: uuid.UUID,
    entity_id: uuid.UUID,
    delta: int,
    **fields: object,
) -> StockMovement | None:
    """Atomically add ``delta`` to a model's or product's ``units_in_stock`` (never below 0) and write
    the ledger row (``fields`` name the owner: ``model_id=`` or ``product_id=``); None when short."""
    row = (
        await session.execute(
            update(entity)
            .where(entity.id == entity_id, entity.tenant_id == tenant_id, entity.units_in_stock + delta >= 0)
            .values(units_in_stock=entity.units_in_stock + delta)
            .returning(entity.units_in_stock)
            .execution_options(synchronize_session=False)
        )
    ).first()
    if row is None:
        return None
    after = int(row[0])
    movement = StockMovement(
        id=uuid.uuid4(),
        tenant_id=tenant_id,
        units_before=after - delta,
        delta=delta,
        units_after=after,
        **fields,
    )
    session.add(movement)
    await session.flush()
    return movement
