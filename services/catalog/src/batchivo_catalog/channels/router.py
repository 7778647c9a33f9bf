"""``/api/v1/sales-channels``: read for everyone, writes for admins (domain.md §1)."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.pagination import Page, PageParamsDep, parse_sort
from fastapi import APIRouter, Query, Response, status

from batchivo_catalog.channels.models import SalesChannel
from batchivo_catalog.channels.repository import SORTS
from batchivo_catalog.channels.schemas import ChannelCreate, ChannelRead, ChannelUpdate
from batchivo_catalog.deps import AdminDep, ChannelServiceDep, Idempotent, ViewerDep

router = APIRouter(prefix="/sales-channels", tags=["sales-channels"], route_class=ETagRoute)

# The channel service keeps no version: a PATCH moves it on (docs/api.md).
ChannelTag = Annotated[None, tagged(SalesChannel, "channel_id")]
ChannelIfMatch = Annotated[None, versioned(SalesChannel.__table__, "channel_id", bump=True)]


@router.get("", response_model=Page[ChannelRead])
async def list_channels(
    principal: ViewerDep,
    service: ChannelServiceDep,
    page: PageParamsDep,
    sort: Annotated[
        str | None, Query(description=f"One of {', '.join(SORTS)}; prefix '-' for descending")
    ] = None,
) -> Page[ChannelRead]:
    field, descending = parse_sort(sort, SORTS, "name")
    rows, total = await service.page(
        principal, limit=page.limit, offset=page.offset, sort=field, descending=descending
    )
    return Page(
        items=[ChannelRead.model_validate(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.post("", response_model=ChannelRead, status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_channel(
    body: ChannelCreate, principal: AdminDep, service: ChannelServiceDep, response: Response
) -> ChannelRead:
    channel = await service.create(principal, body.model_dump())
    response.headers["Location"] = f"/api/v1/sales-channels/{channel.id}"
    return ChannelRead.model_validate(channel)


@router.get("/{channel_id}", response_model=ChannelRead)
async def get_channel(
    channel_id: uuid.UUID, principal: ViewerDep, _etag: ChannelTag, service: ChannelServiceDep
) -> ChannelRead:
    return ChannelRead.model_validate(await service.get(principal, channel_id))


@router.patch("/{channel_id}", response_model=ChannelRead)
async def update_channel(
    channel_id: uuid.UUID,
    body: ChannelUpdate,
    principal: AdminDep,
    _if_match: ChannelIfMatch,
    service: ChannelServiceDep,
) -> ChannelRead:
    return ChannelRead.model_validate(
        await service.update(principal, channel_id, body.model_dump(exclude_unset=True))
    )


@router.delete("/{channel_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_channel(channel_id: uuid.UUID, principal: AdminDep, service: ChannelServiceDep) -> Response:
    await service.delete(principal, channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
