"""Apply ``inventory.spool.*`` and ``catalog.model.*`` events to the read models (highest version wins),
and read them back for the API."""

from __future__ import annotations

import uuid
from decimal import Decimal

from batchivo_common.contracts.catalog import ModelStateV1
from batchivo_common.contracts.inventory import SpoolStateV1
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_production.readmodels.models import ModelMaterialView, ModelView, SpoolView


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class ReadModels:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def apply_spool(
        self, tenant_id: uuid.UUID, version: int, state: SpoolStateV1, *, deleted: bool
    ) -> bool:
        """Upsert unless the stored version is newer or equal; True when the row changed."""
        values = {
            "tenant_id": tenant_id,
            "id": state.spool_id,
            "code": state.code,
            "filament_type_id": state.filament_type_id,
            "material_code": state.material_code,
            "brand": state.brand,
            "color_name": state.color_name,
            "current_weight": Decimal(str(state.current_weight)),
            "cost_per_gram": _dec(state.cost_per_gram),
            "is_archived": state.is_archived,
            "is_deleted": deleted,
            "aggregate_version": version,
        }
        stmt = insert(SpoolView).values(values)
        upsert = stmt.on_conflict_do_update(
            index_elements=[SpoolView.tenant_id, SpoolView.id],
            set_={
                **{k: stmt.excluded[k] for k in values if k not in ("tenant_id", "id")},
                "updated_at": stmt.excluded.updated_at,
            },
            where=SpoolView.aggregate_version < stmt.excluded.aggregate_version,
        ).returning(SpoolView.id)
        return (await self.session.execute(upsert)).first() is not None

    async def apply_model(
        self, tenant_id: uuid.UUID, version: int, state: ModelStateV1, *, deleted: bool
    ) -> bool:
        values = {
            "tenant_id": tenant_id,
            "id": state.model_id,
            "sku": state.sku,
            "name": state.name,
            "is_active": state.is_active,
            "is_deleted": deleted,
            "prints_per_plate": state.prints_per_plate,
            "print_time_minutes": state.print_time_minutes,
            "aggregate_version": version,
        }
        stmt = insert(ModelView).values(values)
        upsert = stmt.on_conflict_do_update(
            index_elements=[ModelView.tenant_id, ModelView.id],
            set_={k: stmt.excluded[k] for k in values if k not in ("tenant_id", "id")},
            where=ModelView.aggregate_version < stmt.excluded.aggregate_version,
        ).returning(ModelView.id)
        if (await self.session.execute(upsert)).first() is None:
            return False
        await self.session.execute(
            delete(ModelMaterialView).where(
                ModelMaterialView.tenant_id == tenant_id, ModelMaterialView.model_id == state.model_id
            )
        )
        totals: dict[uuid.UUID, Decimal] = {}
        for line in state.materials:
            totals[line.filament_type_id] = totals.get(line.filament_type_id, Decimal(0)) + Decimal(
                str(line.grams)
            )
        if totals:
            await self.session.execute(
                insert(ModelMaterialView).values(
                    [
                        {
                            "tenant_id": tenant_id,
                            "model_id": state.model_id,
                            "filament_type_id": f,
                            "grams": g,
                        }
                        for f, g in totals.items()
                    ]
                )
            )
        return True

    # --- reads ------------------------------------------------------------------------------------------

    async def spools(
        self, tenant_id: uuid.UUID, ids: set[uuid.UUID], *, lock: bool = False
    ) -> dict[uuid.UUID, SpoolView]:
        if not ids:
            return {}
        stmt = select(SpoolView).where(SpoolView.tenant_id == tenant_id, SpoolView.id.in_(ids))
        if lock:
            # Spool-id order: two requests reserving the same spools cannot deadlock.
            stmt = stmt.order_by(SpoolView.id).with_for_update()
        return {s.id: s for s in (await self.session.execute(stmt)).scalars()}

    async def models(self, tenant_id: uuid.UUID, ids: set[uuid.UUID]) -> dict[uuid.UUID, ModelView]:
        if not ids:
            return {}
        stmt = select(ModelView).where(ModelView.tenant_id == tenant_id, ModelView.id.in_(ids))
        return {m.id: m for m in (await self.session.execute(stmt)).scalars()}

    async def bom(
        self, tenant_id: uuid.UUID, ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, dict[uuid.UUID, Decimal]]:
        """Grams per unit per filament type, per model."""
        result: dict[uuid.UUID, dict[uuid.UUID, Decimal]] = {i: {} for i in ids}
        if not ids:
            return result
        rows = await self.session.execute(
            select(ModelMaterialView).where(
                ModelMaterialView.tenant_id == tenant_id, ModelMaterialView.model_id.in_(ids)
            )
        )
        for row in rows.scalars():
            result[row.model_id][row.filament_type_id] = Decimal(row.grams)
        return result

    async def spool_page(
        self, tenant_id: uuid.UUID, *, filament_type_id: uuid.UUID | None, limit: int, offset: int
    ) -> tuple[list[SpoolView], int]:
        from sqlalchemy import func

        where = [SpoolView.tenant_id == tenant_id, SpoolView.is_deleted.is_(False)]
        if filament_type_id is not None:
            where.append(SpoolView.filament_type_id == filament_type_id)
        total = (
            await self.session.execute(select(func.count()).select_from(SpoolView).where(*where))
        ).scalar_one()
        rows = await self.session.execute(
            select(SpoolView).where(*where).order_by(SpoolView.code, SpoolView.id).limit(limit).offset(offset)
        )
        return list(rows.scalars()), int(total)
