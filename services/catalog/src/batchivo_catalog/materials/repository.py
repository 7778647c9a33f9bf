"""Queries of the filament-type read model and the tenant's catalog settings."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.materials.models import CatalogSettingsRow, FilamentTypeView
from batchivo_catalog.sql import among


class MaterialRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def settings(self, tenant_id: uuid.UUID) -> CatalogSettingsRow | None:
        return await self.session.get(CatalogSettingsRow, tenant_id)

    async def settings_for_update(self, tenant_id: uuid.UUID) -> CatalogSettingsRow:
        await self.session.execute(
            insert(CatalogSettingsRow).values(tenant_id=tenant_id).on_conflict_do_nothing()
        )
        row = (
            await self.session.execute(
                select(CatalogSettingsRow)
                .where(CatalogSettingsRow.tenant_id == tenant_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        return row

    async def filament_types(
        self, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, FilamentTypeView]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        rows = await self.session.scalars(
            select(FilamentTypeView).where(
                FilamentTypeView.tenant_id == tenant_id, among(FilamentTypeView.id, wanted)
            )
        )
        return {row.id: row for row in rows}

    async def upsert_filament_type(self, values: dict[str, object]) -> bool:
        """Insert or replace the row when ``aggregate_version`` is higher than the stored one; True when
        the row changed (an older or equal version is ignored)."""
        stmt = insert(FilamentTypeView).values(**values)
        excluded = stmt.excluded
        upsert = stmt.on_conflict_do_update(
            index_elements=[FilamentTypeView.tenant_id, FilamentTypeView.id],
            set_={k: getattr(excluded, k) for k in values if k not in ("id", "tenant_id")},
            where=FilamentTypeView.aggregate_version < excluded.aggregate_version,
        ).returning(FilamentTypeView.id)
        return (await self.session.execute(upsert)).first() is not None
