"""``/api/v1/tenant/invitations`` (admins of the inviting tenant) and ``/api/v1/auth/invitations`` (the
signed-in invitee)."""

from __future__ import annotations

import uuid

from batchivo_common.auth.tokens import Role
from batchivo_common.idempotency import Idempotent
from batchivo_common.pagination import PageParamsDep
from fastapi import APIRouter, Response, status

from batchivo_auth.deps import AdminDep, AuthPrincipalDep, InvitationServiceDep
from batchivo_auth.invitations.models import Invitation
from batchivo_auth.invitations.schemas import (
    InvitationCreate,
    InvitationCreated,
    InvitationPage,
    InvitationRead,
    JoinedTenant,
    MyInvitation,
    MyInvitationList,
)

tenant_invitations_router = APIRouter(prefix="/tenant/invitations", tags=["members"])
my_invitations_router = APIRouter(prefix="/auth/invitations", tags=["auth"])


def _read(invitation: Invitation) -> InvitationRead:
    return InvitationRead.model_validate(invitation, from_attributes=True)


@tenant_invitations_router.post("", status_code=status.HTTP_201_CREATED)
async def invite(
    principal: AdminDep, body: InvitationCreate, service: InvitationServiceDep, response: Response
) -> InvitationCreated:
    created = await service.invite(principal, str(body.email), body.role)
    response.headers["Location"] = f"/api/v1/tenant/invitations/{created.invitation.id}"
    response.headers["Cache-Control"] = "no-store"
    return InvitationCreated(**_read(created.invitation).model_dump(), token=created.token)


@tenant_invitations_router.get("")
async def list_invitations(
    principal: AdminDep, service: InvitationServiceDep, page: PageParamsDep
) -> InvitationPage:
    items, total = await service.page(principal, limit=page.limit, offset=page.offset)
    return InvitationPage(items=[_read(i) for i in items], total=total, limit=page.limit, offset=page.offset)


@tenant_invitations_router.delete("/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_invitation(
    principal: AdminDep, invitation_id: uuid.UUID, service: InvitationServiceDep
) -> Response:
    await service.revoke(principal, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@my_invitations_router.get("")
async def my_invitations(principal: AuthPrincipalDep, service: InvitationServiceDep) -> MyInvitationList:
    items = await service.mine(principal)
    return MyInvitationList(
        items=[
            MyInvitation(
                id=i.id,
                tenant_id=i.tenant_id,
                tenant_name=i.tenant_name,
                role=Role(i.role),
                created_at=i.created_at,
                expires_at=i.expires_at,
            )
            for i in items
        ]
    )


@my_invitations_router.post("/{invitation_id}/accept", dependencies=[Idempotent])
async def accept_invitation(
    principal: AuthPrincipalDep, invitation_id: uuid.UUID, service: InvitationServiceDep
) -> JoinedTenant:
    joined = await service.accept(principal, invitation_id)
    return JoinedTenant(tenant_id=joined.tenant_id, tenant_name=joined.tenant_name, role=joined.role)


@my_invitations_router.post(
    "/{invitation_id}/decline", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Idempotent]
)
async def decline_invitation(
    principal: AuthPrincipalDep, invitation_id: uuid.UUID, service: InvitationServiceDep
) -> Response:
    await service.decline(principal, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
