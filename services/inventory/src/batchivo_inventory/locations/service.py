"""Use cases of locations (create, rename, merge, delete) and of moving spools between them.

Spools keep ``location_id`` and the location's name (``spools.location``); a rename rewrites the name on
every spool stored there, a merge moves them (one ``moved`` history event each) and deletes the merged one.
Multi-spool changes lock the spools in id order (``LocationRepository.lock_spools``), the lock order of every
run booking too, so two of them cannot deadlock. Every changed spool publishes its state event.
"""

from __future__ import annotations

import uuid
from typing import Any

from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import BadRequest, Conflict, NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.locations import rules
from batchivo_inventory.locations.models import Location, SpoolEvent
from batchivo_inventory.locations.repository import (
    LocationRepository,
    LocationRow,
    NameTaken,
    SpoolEventRepository,
)
from batchivo_inventory.spools.repository import SpoolRow
from batchivo_inventory.spools.service import SpoolService, writable


class LocationService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.locations = LocationRepository(session)
        self.events = SpoolEventRepository(session)
        self.spools = SpoolService(session)

    # --- reads ---------------------------------------------------------------------------------------------

    async def page(
        self, principal: Principal, q: str | None, *, limit: int, offset: int
    ) -> tuple[list[LocationRow], int]:
        return await self.locations.page(principal.tenant_id, q, limit=limit, offset=offset)

    async def get(self, principal: Principal, location_id: uuid.UUID) -> LocationRow:
        row = await self.locations.get_with_counts(principal.tenant_id, location_id)
        if row is None:
            raise NotFound("Location not found")
        return row

    async def history(
        self, principal: Principal, spool_id: uuid.UUID, *, limit: int, offset: int, descending: bool
    ) -> tuple[list[SpoolEvent], int]:
        await self.spools.get(principal, spool_id)  # 404 for a missing or foreign spool
        return await self.events.page(
            principal.tenant_id, spool_id, limit=limit, offset=offset, descending=descending
        )

    # --- changes -------------------------------------------------------------------------------------------

    async def create(self, principal: Principal, name: str, description: str | None) -> LocationRow:
        location = Location(
            id=uuid.uuid4(),
            tenant_id=principal.tenant_id,
            name=rules.clean_name(name),
            description=description or None,
            version=1,
        )
        name = location.name
        try:
            await self.locations.insert(location)
        except NameTaken:
            raise Conflict(f"A location called {name} already exists") from None
        return await self.get(principal, location.id)

    async def update(
        self, principal: Principal, location_id: uuid.UUID, changes: dict[str, Any]
    ) -> LocationRow:
        location = await self._lock(principal.tenant_id, location_id)
        if "description" in changes:
            location.description = changes["description"] or None
        name = rules.clean_name(changes["name"]) if "name" in changes else location.name
        renamed = name != location.name
        location.name = name
        location.version += 1
        try:
            await self.locations.flush()
        except NameTaken:
            raise Conflict(f"A location called {name} already exists") from None
        if renamed:
            rows = await self.locations.lock_spools(principal.tenant_id, location_id=location.id)
            for row in rows:
                row.spool.location = location.name
                row.spool.version += 1
            await self.session.flush()
            for row in rows:
                await self.spools.publish(row, "updated")
        return await self.get(principal, location_id)

    async def merge(self, principal: Principal, location_id: uuid.UUID, into_id: uuid.UUID) -> LocationRow:
        """Every spool of ``location_id`` (archived ones too) moves into ``into_id``; ``location_id`` goes."""
        if location_id == into_id:
            raise BadRequest("A location cannot be merged into itself")
        # Both rows locked in id order: two opposite merges cannot deadlock.
        first, second = sorted((location_id, into_id), key=str)
        locked = {first: await self._lock(principal.tenant_id, first)}
        locked[second] = await self._lock(principal.tenant_id, second)
        source, target = locked[location_id], locked[into_id]
        rows = await self.locations.lock_spools(principal.tenant_id, location_id=source.id)
        await self._place(principal, rows, target, reason=f"merged {source.name} into {target.name}")
        await self.locations.delete(source)
        return await self.get(principal, target.id)

    async def delete(self, principal: Principal, location_id: uuid.UUID) -> None:
        location = await self._lock(principal.tenant_id, location_id)
        row = await self.get(principal, location_id)
        stored = row.spool_count + row.archived_spool_count
        if stored:
            raise Conflict(
                f"{stored} spool(s) are stored at {location.name} ({row.archived_spool_count} archived);"
                " move them or merge this location into another",
                code="IN_USE",
            )
        await self.locations.delete(location)

    async def move(
        self,
        principal: Principal,
        spool_ids: list[uuid.UUID],
        *,
        location_id: uuid.UUID | None,
        name: str | None,
    ) -> tuple[list[SpoolRow], int]:
        """Move spools to a location (by id, or by name: found in any case or created; neither: nowhere).
        All or nothing: a missing or archived spool refuses the whole move."""
        wanted = list(dict.fromkeys(spool_ids))
        if location_id is not None:
            target: Location | None = await self.locations.get(principal.tenant_id, location_id)
            if target is None:
                raise NotFound("Location not found")
        else:
            target = await self.locations.resolve(principal.tenant_id, name) if name else None
        rows = await self.locations.lock_spools(principal.tenant_id, ids=wanted)
        found = {row.spool.id for row in rows}
        missing = [str(i) for i in wanted if i not in found]
        if missing:
            raise NotFound(f"Spool not found: {', '.join(missing)}")
        for row in rows:
            writable(row.spool)
        moved = await self._place(principal, rows, target, reason=None)
        by_id = {row.spool.id: row for row in rows}
        return [by_id[i] for i in wanted], moved

    async def _place(
        self, principal: Principal, rows: list[SpoolRow], target: Location | None, *, reason: str | None
    ) -> int:
        target_id = target.id if target is not None else None
        target_name = target.name if target is not None else None
        changed = [row for row in rows if row.spool.location_id != target_id]
        before = {row.spool.id: row.spool.location for row in changed}
        for row in changed:
            row.spool.location_id, row.spool.location = target_id, target_name
            row.spool.version += 1
        await self.session.flush()
        for row in changed:
            await self.events.add(
                row.spool,
                rules.EventKind.moved,
                actor_id=principal.user_id,
                from_location=before[row.spool.id],
                to_location=target_name,
                reason=reason,
            )
            await self.spools.publish(row, "updated")
        return len(changed)

    async def _lock(self, tenant_id: uuid.UUID, location_id: uuid.UUID) -> Location:
        location = await self.locations.get(tenant_id, location_id, for_update=True)
        if location is None:
            raise NotFound("Location not found")
        return location
