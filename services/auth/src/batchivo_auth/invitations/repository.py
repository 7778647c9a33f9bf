"""Queries on ``auth.invitations`` (RLS limits them to the bound tenant) and the invitee lookups."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_auth.invitations.models import Invitation

# SECURITY DEFINER functions of migration 0002 (docs/adr/0002-login-lookup.md): the invitee is signed in
# to another tenant, or to none yet, so their invitations are found before binding the inviting tenant.
_PENDING_FOR_EMAIL = text(
    "select id, tenant_id, tenant_name, role, expires_at, created_at from auth.pending_invitations(:email)"
)
_INVITATION_TENANT = text("select auth.invitation_tenant(:id, :email)")
_TOKEN_TENANT = text("select auth.invitation_token_tenant(:token_hash)")


@dataclass(frozen=True, slots=True)
class PendingInvitation:
    id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    role: str
    expires_at: datetime
    created_at: datetime


class InvitationRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    # -- across tenants (lookup functions) ------------------------------------------------------------

    async def pending_for_email(self, email: str) -> list[PendingInvitation]:
        rows = (await self.session.execute(_PENDING_FOR_EMAIL, {"email": email})).all()
        return [PendingInvitation(*row) for row in rows]

    async def tenant_of(self, invitation_id: uuid.UUID, email: str) -> uuid.UUID | None:
        value = (
            await self.session.execute(_INVITATION_TENANT, {"id": invitation_id, "email": email})
        ).scalar_one()
        return value if isinstance(value, uuid.UUID) else None

    async def tenant_of_token(self, token_hash: str) -> uuid.UUID | None:
        value = (await self.session.execute(_TOKEN_TENANT, {"token_hash": token_hash})).scalar_one()
        return value if isinstance(value, uuid.UUID) else None

    # -- in the bound tenant --------------------------------------------------------------------------

    async def get(
        self, tenant_id: uuid.UUID, invitation_id: uuid.UUID, *, for_update: bool = False
    ) -> Invitation | None:
        stmt = select(Invitation).where(Invitation.tenant_id == tenant_id, Invitation.id == invitation_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def by_token_hash(self, tenant_id: uuid.UUID, token_hash: str) -> Invitation | None:
        stmt = (
            select(Invitation)
            .where(Invitation.tenant_id == tenant_id, Invitation.token_hash == token_hash)
            .with_for_update()
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def open_for_email(self, tenant_id: uuid.UUID, email: str) -> Invitation | None:
        stmt = (
            select(Invitation)
            .where(
                Invitation.tenant_id == tenant_id,
                Invitation.email == email,
                Invitation.accepted_at.is_(None),
                Invitation.declined_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .with_for_update()
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add(self, invitation: Invitation) -> Invitation:
        self.session.add(invitation)
        await self.session.flush()
        return invitation

    async def pending_page(
        self, tenant_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[Invitation], int]:
        where = (
            Invitation.tenant_id == tenant_id,
            Invitation.accepted_at.is_(None),
            Invitation.declined_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > func.now(),
        )
        stmt = (
            select(Invitation)
            .where(*where)
            .order_by(Invitation.created_at.desc(), Invitation.id)
            .limit(limit)
            .offset(offset)
        )
        items = (await self.session.execute(stmt)).scalars().all()
        total = (
            await self.session.execute(select(func.count()).select_from(Invitation).where(*where))
        ).scalar_one()
        return items, int(total)
