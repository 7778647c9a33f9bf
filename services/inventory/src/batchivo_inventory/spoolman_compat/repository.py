"""Reads of the Spoolman-compatible API (RLS limits them to the bound tenant; each also names the tenant).

Only spools with a generated code (``FIL-nnn``) exist for Spoolman: their id is the code's number.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, String, and_, case, cast, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.spoolman_compat import mapping
from batchivo_inventory.spoolman_compat.mapping import SortKey, Terms
from batchivo_inventory.spools import rules
from batchivo_inventory.spools.models import InventoryTransaction, Spool
from batchivo_inventory.spools.repository import SpoolRow

#: ``code`` is exactly what ``format_code(code_number)`` gives (so ``FIL-42`` next to ``FIL-042`` is not a
#: second spool 42): at least three digits, zero-padded.
_CANONICAL = Spool.code == func.concat(
    "FIL-",
    case(
        (Spool.code_number < 1000, func.lpad(cast(Spool.code_number, String), 3, "0")),
        else_=cast(Spool.code_number, String),
    ),
)

SPOOL_SORTS: dict[str, Any] = {
    "id": Spool.code_number,
    "registered": Spool.created_at,
    "filament.id": FilamentType.spoolman_id,
    "filament.name": FilamentType.color_name,
    "filament.material": MaterialType.code,
    "filament.vendor.name": FilamentType.brand,
    "price": Spool.purchase_price,
    "initial_weight": Spool.initial_weight,
    "spool_weight": Spool.empty_spool_weight,
    "remaining_weight": Spool.current_weight,
    "used_weight": Spool.initial_weight - Spool.current_weight,
    "location": Spool.location,
    "lot_nr": Spool.lot_number,
    "comment": Spool.notes,
    "archived": Spool.is_archived,
}
FILAMENT_SORTS: dict[str, Any] = {
    "id": FilamentType.spoolman_id,
    "registered": FilamentType.created_at,
    "name": FilamentType.color_name,
    "material": MaterialType.code,
    "vendor.name": FilamentType.brand,
    "diameter": FilamentType.diameter_mm,
    "density": FilamentType.density,
    "color_hex": FilamentType.color_hex,
    "settings_extruder_temp": FilamentType.extruder_temp,
    "settings_bed_temp": FilamentType.bed_temp,
}


@dataclass(frozen=True, slots=True)
class SpoolQuery:
    filament_ids: tuple[int, ...] | None = None
    filament_name: Terms | None = None
    material: Terms | None = None
    vendor_name: Terms | None = None
    #: Brand names whose vendor id was asked for (resolved by the service); None: no such filter.
    vendor_brands: tuple[str, ...] | None = None
    location: Terms | None = None
    lot_nr: Terms | None = None
    allow_archived: bool = False


@dataclass(frozen=True, slots=True)
class FilamentQuery:
    name: Terms | None = None
    material: Terms | None = None
    vendor_name: Terms | None = None
    vendor_brands: tuple[str, ...] | None = None


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def terms_clause(column: Any, terms: Terms) -> ColumnElement[bool]:
    """Spoolman's string filter on ``column``: any term matches."""
    options: list[ColumnElement[bool]] = [column.ilike(_like(t), escape="\\") for t in terms.partial]
    options += [func.lower(column) == t.lower() for t in terms.exact]
    if terms.unset:
        options.append(or_(column.is_(None), column == ""))
    return or_(*options) if options else false()


def _order(keys: Sequence[SortKey], sorts: dict[str, Any], tie: Sequence[Any]) -> list[Any]:
    order: list[Any] = []
    for key in keys:
        column = sorts[key.field]
        order.append(column.desc().nulls_last() if key.descending else column.asc().nulls_last())
    return order + list(tie)


def _with_type() -> Select[Spool, FilamentType, MaterialType]:
    return (
        select(Spool, FilamentType, MaterialType)
        .join(FilamentType, FilamentType.id == Spool.filament_type_id)
        .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
    )


class CompatRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # --- spools ------------------------------------------------------------------------------------------

    async def spool_uuid(self, tenant_id: uuid.UUID, number: int) -> uuid.UUID | None:
        """The spool whose code is ``FIL-<number>`` (canonical spelling), or None."""
        code = mapping.spool_code(number)
        if code is None:
            return None
        stmt = select(Spool.id).where(Spool.tenant_id == tenant_id, Spool.code == code)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def spools(
        self, tenant_id: uuid.UUID, query: SpoolQuery, sort: Sequence[SortKey], *, limit: int, offset: int
    ) -> tuple[list[SpoolRow], int]:
        where: list[ColumnElement[bool]] = [
            Spool.tenant_id == tenant_id,
            Spool.code_number.is_not(None),
            _CANONICAL,
        ]
        if not query.allow_archived:
            where.append(Spool.is_archived.is_(False))
        if query.filament_ids is not None:
            where.append(FilamentType.spoolman_id.in_(query.filament_ids))
        if query.filament_name is not None:
            where.append(terms_clause(FilamentType.color_name, query.filament_name))
        if query.material is not None:
            where.append(terms_clause(MaterialType.code, query.material))
        if query.vendor_name is not None:
            where.append(terms_clause(FilamentType.brand, query.vendor_name))
        if query.vendor_brands is not None:
            where.append(FilamentType.brand.in_(query.vendor_brands))
        if query.location is not None:
            where.append(terms_clause(Spool.location, query.location))
        if query.lot_nr is not None:
            where.append(terms_clause(Spool.lot_number, query.lot_nr))
        total_stmt = (
            select(func.count())
            .select_from(Spool)
            .join(FilamentType, FilamentType.id == Spool.filament_type_id)
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .where(and_(*where))
        )
        total = int((await self.session.execute(total_stmt)).scalar_one())
        stmt = (
            _with_type()
            .where(*where)
            .order_by(*_order(sort, SPOOL_SORTS, (Spool.code_number.asc(), Spool.id.asc())))
            .limit(limit)
            .offset(offset)
        )
        rows = [SpoolRow(r[0], r[1], r[2]) for r in (await self.session.execute(stmt)).all()]
        return rows, total

    async def usage_dates(
        self, tenant_id: uuid.UUID, spool_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[datetime, datetime]]:
        """Spoolman's ``first_used``/``last_used``: the first and last ``usage`` row of each spool."""
        if not spool_ids:
            return {}
        t = InventoryTransaction
        stmt = (
            select(t.spool_id, func.min(t.created_at), func.max(t.created_at))
            .where(t.tenant_id == tenant_id, t.spool_id.in_(spool_ids), t.kind == rules.Kind.usage.value)
            .group_by(t.spool_id)
        )
        return {row[0]: (row[1], row[2]) for row in (await self.session.execute(stmt)).all()}

    # --- filaments and vendors -----------------------------------------------------------------------------

    async def filament_uuid(self, tenant_id: uuid.UUID, number: int) -> uuid.UUID | None:
        if number < 1 or number > mapping.MAX_ID:
            return None
        stmt = select(FilamentType.id).where(
            FilamentType.tenant_id == tenant_id, FilamentType.spoolman_id == cast(number, BigInteger)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def filaments(
        self,
        tenant_id: uuid.UUID,
        query: FilamentQuery,
        sort: Sequence[SortKey],
        *,
        limit: int,
        offset: int,
        numbers: tuple[int, ...] | None = None,
    ) -> tuple[list[tuple[FilamentType, MaterialType]], int]:
        where: list[ColumnElement[bool]] = [FilamentType.tenant_id == tenant_id]
        if numbers is not None:
            where.append(FilamentType.spoolman_id.in_(numbers))
        if query.name is not None:
            where.append(terms_clause(FilamentType.color_name, query.name))
        if query.material is not None:
            where.append(terms_clause(MaterialType.code, query.material))
        if query.vendor_name is not None:
            where.append(terms_clause(FilamentType.brand, query.vendor_name))
        if query.vendor_brands is not None:
            where.append(FilamentType.brand.in_(query.vendor_brands))
        base = select(FilamentType, MaterialType).join(
            MaterialType, MaterialType.id == FilamentType.material_type_id
        )
        count = select(func.count()).select_from(base.where(*where).subquery())
        total = int((await self.session.execute(count)).scalar_one())
        stmt = (
            base.where(*where)
            .order_by(*_order(sort, FILAMENT_SORTS, (FilamentType.spoolman_id.asc(),)))
            .limit(limit)
            .offset(offset)
        )
        return [(f, m) for f, m in (await self.session.execute(stmt)).all()], total

    async def material_by_code(self, tenant_id: uuid.UUID, code: str) -> MaterialType | None:
        """The shop's material type with this code (any case), else the global one."""
        stmt = (
            select(MaterialType)
            .where(
                func.upper(MaterialType.code) == code.strip().upper(),
                or_(MaterialType.tenant_id == tenant_id, MaterialType.tenant_id.is_(None)),
            )
            .order_by(MaterialType.tenant_id.is_(None))
            .limit(1)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def brands(self, tenant_id: uuid.UUID) -> list[tuple[str, datetime]]:
        """Every brand spelling of the tenant's filament types with its first type's creation time."""
        stmt = (
            select(FilamentType.brand, func.min(FilamentType.created_at))
            .where(FilamentType.tenant_id == tenant_id)
            .group_by(FilamentType.brand)
            .order_by(func.min(FilamentType.created_at), FilamentType.brand)
        )
        return [(row[0], row[1]) for row in (await self.session.execute(stmt)).all()]

    async def filaments_of_brands(self, tenant_id: uuid.UUID, brands: Sequence[str]) -> list[uuid.UUID]:
        """The tenant's filament types whose brand is one of ``brands`` (exact spellings), oldest first."""
        if not brands:
            return []
        stmt = (
            select(FilamentType.id)
            .where(FilamentType.tenant_id == tenant_id, FilamentType.brand.in_(brands))
            .order_by(FilamentType.created_at, FilamentType.id)
        )
        return list((await self.session.scalars(stmt)).all())
