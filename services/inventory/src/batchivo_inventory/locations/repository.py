"""Queries on locations and spool events (RLS limits them to the bound tenant)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.locations import rules
from batchivo_inventory.locations.models import Location, SpoolEvent
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.materials.repository import ONE_TYPE
from batchivo_inventory.spools.models import Spool
from batchivo_inventory.spools.repository import SpoolRow

#: The tenant's location of a name, any case (``lower(name)`` keys its unique index): :func:`_named`'s values.
_NAMED = and_(
    Location.tenant_id == bindparam("tenant_id"), func.lower(Location.name) == bindparam("name_lower")
)
#: A location by name (every create or move of a spool to a place): built once, values bound.
_BY_NAME = select(Location).where(_NAMED)
#: A create's reads in one statement: the spool's filament type with its material, and the location it
#: names (none when the shop has no such place yet). Two statements before, each a round trip (ADR 0029).
_TYPE_AND_PLACE = ONE_TYPE.add_columns(Location).outerjoin(Location, _NAMED)


def _named(tenant_id: uuid.UUID, name: str) -> dict[str, Any]:
    return {"tenant_id": tenant_id, "name_lower": rules.clean_name(name).lower()}


class NameTaken(Exception):
    """Another location of the tenant has this name, whatever its case (HTTP 409 CONFLICT)."""


@dataclass(frozen=True, slots=True)
class LocationRow:
    location: Location
    #: Active (not archived) spools stored there, and their grams.
    spool_count: int
    remaining_grams: Decimal
    archived_spool_count: int


def _active(column: Any) -> Any:
    return case((Spool.is_archived.is_(False), column), else_=None)


def _with_counts() -> Select[Location, int, Any, int]:
    return (
        select(
            Location,
            func.count(_active(Spool.id)),
            func.coalesce(func.sum(_active(Spool.current_weight)), 0),
            func.count(case((Spool.is_archived.is_(True), Spool.id), else_=None)),
        )
        .outerjoin(Spool, and_(Spool.location_id == Location.id, Spool.tenant_id == Location.tenant_id))
        .group_by(Location.id)
    )


def _row(r: Any) -> LocationRow:
    return LocationRow(r[0], int(r[1]), Decimal(r[2]), int(r[3]))


class LocationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def page(
        self, tenant_id: uuid.UUID, q: str | None, *, limit: int, offset: int
    ) -> tuple[list[LocationRow], int]:
        where: list[ColumnElement[bool]] = [Location.tenant_id == tenant_id]
        if q:
            # Any word of the name starting with q ("a" finds "Shelf A"), or the whole name.
            pattern = rules.like_prefix(q)
            where.append(
                func.lower(Location.name).like(pattern, escape="\\")
                | func.lower(Location.name).like(f"% {pattern}", escape="\\")
            )
        stmt = (
            _with_counts()
            .where(*where)
            .order_by(func.lower(Location.name), Location.id)
            .limit(limit)
            .offset(offset)
        )
        rows = [_row(r) for r in (await self.session.execute(stmt)).all()]
        total = await self.session.scalar(select(func.count()).select_from(Location).where(*where))
        return rows, int(total or 0)

    async def get_with_counts(self, tenant_id: uuid.UUID, location_id: uuid.UUID) -> LocationRow | None:
        stmt = _with_counts().where(Location.tenant_id == tenant_id, Location.id == location_id)
        r = (await self.session.execute(stmt)).first()
        return _row(r) if r is not None else None

    async def get(
        self, tenant_id: uuid.UUID, location_id: uuid.UUID, *, for_update: bool = False
    ) -> Location | None:
        stmt = select(Location).where(Location.tenant_id == tenant_id, Location.id == location_id)
        if for_update:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_name(self, tenant_id: uuid.UUID, name: str) -> Location | None:
        return (await self.session.execute(_BY_NAME, _named(tenant_id, name))).scalar_one_or_none()

    async def type_and_place(
        self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID, name: str
    ) -> tuple[FilamentType, MaterialType, Location | None] | None:
        """The filament type a new spool names, its material, and the tenant's location called ``name``
        (None when there is none yet), in one statement; None without the type."""
        params = {**_named(tenant_id, name), "filament_type_id": filament_type_id}
        row = (await self.session.execute(_TYPE_AND_PLACE, params)).first()
        return (row[0], row[1], row[2]) if row is not None else None

    async def resolve(self, tenant_id: uuid.UUID, name: str) -> Location:
        """The tenant's location called ``name`` (any case), created when there is none (concurrent
        creators of one name get the same row)."""
        cleaned = rules.clean_name(name)
        # Almost every spool goes to a place the shop already has: read first (one statement), and only
        # insert (racing creators settle on one row) when it is missing.
        existing = await self.by_name(tenant_id, cleaned)
        if existing is not None:
            return existing
        stmt = (
            insert(Location)
            .values(id=uuid.uuid4(), tenant_id=tenant_id, name=cleaned, version=1)
            .on_conflict_do_nothing(index_elements=[Location.tenant_id, func.lower(Location.name)])
        )
        await self.session.execute(stmt)
        found = await self.by_name(tenant_id, cleaned)
        assert found is not None
        return found

    async def insert(self, location: Location) -> None:
        try:
            async with self.session.begin_nested():
                self.session.add(location)
                await self.session.flush()
        except IntegrityError as exc:
            if "uq_locations_tenant_id_name" in str(exc.orig):
                raise NameTaken(location.name) from None
            raise

    async def flush(self) -> None:
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError as exc:
            if "uq_locations_tenant_id_name" in str(exc.orig):
                raise NameTaken(str(exc.orig)) from None
            raise

    async def delete(self, location: Location) -> None:
        await self.session.execute(delete(Location).where(Location.id == location.id))

    async def lock_spools(
        self,
        tenant_id: uuid.UUID,
        *,
        location_id: uuid.UUID | None = None,
        ids: list[uuid.UUID] | None = None,
    ) -> list[SpoolRow]:
        """Spools stored at ``location_id`` (archived ones too) or with these ``ids``, locked in id order
        (the lock order of every multi-spool change), with fresh values."""
        stmt = (
            select(Spool, FilamentType, MaterialType)
            .join(FilamentType, FilamentType.id == Spool.filament_type_id)
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .where(Spool.tenant_id == tenant_id)
        )
        if location_id is not None:
            stmt = stmt.where(Spool.location_id == location_id)
        if ids is not None:
            stmt = stmt.where(Spool.id.in_(ids))
        stmt = stmt.order_by(Spool.id).with_for_update(of=Spool).execution_options(populate_existing=True)
        return [SpoolRow(r[0], r[1], r[2]) for r in (await self.session.execute(stmt)).all()]


class SpoolEventRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(
        self,
        spool: Spool,
        kind: rules.EventKind,
        *,
        actor_id: uuid.UUID | None,
        from_location: str | None = None,
        to_location: str | None = None,
        reason: str | None = None,
    ) -> SpoolEvent:
        event = SpoolEvent(
            id=uuid.uuid4(),
            tenant_id=spool.tenant_id,
            spool_id=spool.id,
            kind=kind.value,
            from_location=from_location,
            to_location=to_location,
            reason=reason,
            actor_id=actor_id,
        )
        self.session.add(event)
        await self.session.flush()
        return event

    async def page(
        self, tenant_id: uuid.UUID, spool_id: uuid.UUID, *, limit: int, offset: int, descending: bool
    ) -> tuple[list[SpoolEvent], int]:
        where = [SpoolEvent.tenant_id == tenant_id, SpoolEvent.spool_id == spool_id]
        order: list[Any] = (
            [SpoolEvent.created_at.desc(), SpoolEvent.id.desc()]
            if descending
            else [SpoolEvent.created_at.asc(), SpoolEvent.id.asc()]
        )
        stmt = select(SpoolEvent).where(*where).order_by(*order).limit(limit).offset(offset)
        rows = list((await self.session.scalars(stmt)).all())
        total = await self.session.scalar(select(func.count()).select_from(SpoolEvent).where(*where))
        return rows, int(total or 0)
