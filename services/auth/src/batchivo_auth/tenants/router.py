"""``/api/v1/tenant/members``: the people of the caller's tenant and their roles. People join by invitation
(``batchivo_auth.invitations``), never by being added."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.pagination import PageParamsDep, parse_sort
from fastapi import APIRouter, Query, Response, status

from batchivo_auth.deps import AdminDep, MemberServiceDep, ViewerDep
from batchivo_auth.tenants.models import Membership
from batchivo_auth.tenants.repository import MemberRow
from batchivo_auth.tenants.schemas import MEMBER_SORTS, MemberPage, MemberRead, MemberUpdate

router = APIRouter(prefix="/tenant/members", tags=["members"], route_class=ETagRoute)

# A membership is found by its person within the caller's tenant (RLS); the member service keeps no
# version, so a PATCH moves it on (docs/api.md).
MemberTag = Annotated[None, tagged(Membership, "user_id", id_column="user_id")]
MemberIfMatch = Annotated[None, versioned(Membership.__table__, "user_id", id_column="user_id", bump=True)]

SortQuery = Annotated[
    str | None, Query(max_length=32, description=f"One of {', '.join(MEMBER_SORTS)}; prefix - to reverse")
]


def _read(row: MemberRow) -> MemberRead:
    return MemberRead(
        user_id=row.user_id, email=row.email, full_name=row.full_name, role=row.role, joined_at=row.joined_at
    )


def _location(user_id: uuid.UUID) -> str:
    return f"/api/v1/tenant/members/{user_id}"


@router.get("")
async def list_members(
    principal: ViewerDep, service: MemberServiceDep, page: PageParamsDep, sort: SortQuery = None
) -> MemberPage:
    field, descending = parse_sort(sort, MEMBER_SORTS, "joined_at")
    rows, total = await service.page(
        principal, limit=page.limit, offset=page.offset, sort=field, descending=descending
    )
    return MemberPage(items=[_read(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.get("/{user_id}")
async def get_member(
    principal: ViewerDep, _etag: MemberTag, user_id: uuid.UUID, service: MemberServiceDep
) -> MemberRead:
    return _read(await service.get(principal, user_id))


@router.patch("/{user_id}")
async def update_member(
    principal: AdminDep,
    _if_match: MemberIfMatch,
    user_id: uuid.UUID,
    body: MemberUpdate,
    service: MemberServiceDep,
) -> MemberRead:
    if body.role is None:  # PATCH changes only what is sent; nothing sent, nothing changes
        return _read(await service.get(principal, user_id))
    return _read(await service.change_role(principal, user_id, body.role))


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_member(principal: AdminDep, user_id: uuid.UUID, service: MemberServiceDep) -> Response:
    await service.remove(principal, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
