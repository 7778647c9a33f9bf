"""``/api/v1/locations`` (what is where, create, rename, merge, delete) and the spools' moves and history
(``POST /api/v1/spools/move``, ``GET /api/v1/spools/{id}/events``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.db.session import SessionDep
from batchivo_common.pagination import PageParamsDep, parse_sort
from fastapi import APIRouter, Depends, Query, Response, status

from batchivo_inventory.deps import AdminDep, Idempotent, MemberDep, ViewerDep
from batchivo_inventory.locations.models import Location, SpoolEvent
from batchivo_inventory.locations.repository import LocationRow
from batchivo_inventory.locations.rules import EventKind
from batchivo_inventory.locations.schemas import (
    LocationCreate,
    LocationMerge,
    LocationPage,
    LocationRead,
    LocationUpdate,
    SpoolEventPage,
    SpoolEventRead,
    SpoolMove,
    SpoolMoveRead,
)
from batchivo_inventory.locations.service import LocationService
from batchivo_inventory.spools.router import spool_read

locations_router = APIRouter(prefix="/locations", tags=["locations"], route_class=ETagRoute)
spool_moves_router = APIRouter(prefix="/spools", tags=["spools"])

LocationTag = Annotated[None, tagged(Location, "location_id")]
LocationIfMatch = Annotated[None, versioned(Location.__table__, "location_id")]


async def get_location_service(session: SessionDep) -> LocationService:
    return LocationService(session)


LocationServiceDep = Annotated[LocationService, Depends(get_location_service)]


def location_read(row: LocationRow) -> LocationRead:
    loc = row.location
    return LocationRead(
        id=loc.id,
        name=loc.name,
        description=loc.description,
        spool_count=row.spool_count,
        remaining_grams=row.remaining_grams,
        archived_spool_count=row.archived_spool_count,
        created_at=loc.created_at,
        updated_at=loc.updated_at,
    )


def event_read(e: SpoolEvent) -> SpoolEventRead:
    return SpoolEventRead(
        id=e.id,
        spool_id=e.spool_id,
        kind=EventKind(e.kind),
        from_location=e.from_location,
        to_location=e.to_location,
        reason=e.reason,
        actor_id=e.actor_id,
        created_at=e.created_at,
    )


@locations_router.get("")
async def list_locations(
    principal: ViewerDep,
    service: LocationServiceDep,
    page: PageParamsDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Names (or a word of them) starting with q, any case")
    ] = None,
) -> LocationPage:
    rows, total = await service.page(principal, q or None, limit=page.limit, offset=page.offset)
    return LocationPage(
        items=[location_read(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@locations_router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_location(
    principal: MemberDep, body: LocationCreate, service: LocationServiceDep, response: Response
) -> LocationRead:
    row = await service.create(principal, body.name, body.description)
    response.headers["Location"] = f"/api/v1/locations/{row.location.id}"
    return location_read(row)


@locations_router.get("/{location_id}")
async def get_location(
    principal: ViewerDep, _etag: LocationTag, location_id: uuid.UUID, service: LocationServiceDep
) -> LocationRead:
    return location_read(await service.get(principal, location_id))


@locations_router.patch("/{location_id}")
async def update_location(
    principal: MemberDep,
    _if_match: LocationIfMatch,
    location_id: uuid.UUID,
    body: LocationUpdate,
    service: LocationServiceDep,
) -> LocationRead:
    changes = body.changes()
    if not changes:
        return location_read(await service.get(principal, location_id))
    return location_read(await service.update(principal, location_id, changes))


@locations_router.post("/{location_id}/merge", dependencies=[Idempotent])
async def merge_location(
    principal: MemberDep, location_id: uuid.UUID, body: LocationMerge, service: LocationServiceDep
) -> LocationRead:
    """Answers the location merged into, with its new counts."""
    return location_read(await service.merge(principal, location_id, body.into_id))


@locations_router.delete("/{location_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_location(
    principal: AdminDep, location_id: uuid.UUID, service: LocationServiceDep
) -> Response:
    await service.delete(principal, location_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@spool_moves_router.post("/move", dependencies=[Idempotent])
async def move_spools(principal: MemberDep, body: SpoolMove, service: LocationServiceDep) -> SpoolMoveRead:
    rows, moved = await service.move(
        principal, body.spool_ids, location_id=body.location_id, name=body.location
    )
    return SpoolMoveRead(items=[spool_read(r) for r in rows], moved=moved)


@spool_moves_router.get("/{spool_id}/events")
async def spool_events(
    principal: ViewerDep,
    spool_id: uuid.UUID,
    service: LocationServiceDep,
    page: PageParamsDep,
    sort: Annotated[str | None, Query(max_length=32)] = None,
) -> SpoolEventPage:
    """The spool's moves, archive and restore, newest first (``sort=created_at`` for oldest first)."""
    _, descending = parse_sort(sort, ("created_at",), "-created_at")
    rows, total = await service.history(
        principal, spool_id, limit=page.limit, offset=page.offset, descending=descending
    )
    return SpoolEventPage(
        items=[event_read(e) for e in rows], total=total, limit=page.limit, offset=page.offset
    )
