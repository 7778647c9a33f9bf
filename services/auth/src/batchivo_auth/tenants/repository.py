"""Queries on ``auth.tenants`` and ``auth.memberships`` (RLS limits them to the bound tenant)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from batchivo_common.auth.tokens import Role
from sqlalchemy import Row, Select, case, delete, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_auth.tenants.models import Membership, Tenant
from batchivo_auth.users.models import User

# SECURITY DEFINER function (docs/adr/0002-login-lookup.md): one person's memberships across tenants,
# needed before a tenant is chosen (login) and for /me.
_USER_MEMBERSHIPS = text(
    "select tenant_id, tenant_name, tenant_slug, role, joined_at, tenant_is_active"
    " from auth.user_memberships(:user_id)"
)

_ROLE_RANK = case({r.value: r.rank for r in Role}, value=Membership.role, else_=-1)


@dataclass(frozen=True, slots=True)
class UserMembership:
    tenant_id: uuid.UUID
    tenant_name: str
    tenant_slug: str
    role: Role
    joined_at: datetime
    tenant_is_active: bool


@dataclass(frozen=True, slots=True)
class MemberRow:
    user_id: uuid.UUID
    email: str
    full_name: str
    role: Role
    joined_at: datetime


class SlugTaken(Exception):
    pass


class TenantRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, tenant_id: uuid.UUID) -> Tenant | None:
        return await self.session.get(Tenant, tenant_id)

    async def lock(self, tenant_id: uuid.UUID) -> Tenant | None:
        """Lock the tenant row: one tenant's member changes run one at a time (owner counts stay true)."""
        result = await self.session.execute(select(Tenant).where(Tenant.id == tenant_id).with_for_update())
        return result.scalar_one_or_none()

    async def insert(self, tenant: Tenant) -> None:
        """Insert in a savepoint; :class:`SlugTaken` (and nothing written) when the slug is in use."""
        try:
            async with self.session.begin_nested():
                self.session.add(tenant)
                await self.session.flush()
        except IntegrityError as exc:
            if "uq_tenants_slug" in str(exc.orig):
                raise SlugTaken(tenant.slug) from None
            raise


class MembershipRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(
        self, tenant_id: uuid.UUID, user_id: uuid.UUID, *, for_update: bool = False
    ) -> Membership | None:
        stmt = select(Membership).where(Membership.tenant_id == tenant_id, Membership.user_id == user_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add(self, membership: Membership) -> Membership:
        self.session.add(membership)
        await self.session.flush()
        return membership

    async def delete(self, membership: Membership) -> None:
        await self.session.execute(delete(Membership).where(Membership.id == membership.id))

    async def count_owners(self, tenant_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(
            Membership.tenant_id == tenant_id, Membership.role == Role.owner.value
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def member(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> MemberRow | None:
        stmt = self._members(tenant_id).where(Membership.user_id == user_id)
        row = (await self.session.execute(stmt)).first()
        return _member_row(row) if row is not None else None

    async def page(
        self, tenant_id: uuid.UUID, *, limit: int, offset: int, sort: str, descending: bool
    ) -> tuple[Sequence[MemberRow], int]:
        columns = {
            "joined_at": Membership.created_at,
            "email": User.email,
            "full_name": User.full_name,
            "role": _ROLE_RANK,
        }
        order = columns[sort].desc() if descending else columns[sort].asc()
        stmt = self._members(tenant_id).order_by(order, Membership.user_id).limit(limit).offset(offset)
        rows = (await self.session.execute(stmt)).all()
        total_stmt = select(func.count()).select_from(Membership).where(Membership.tenant_id == tenant_id)
        total = int((await self.session.execute(total_stmt)).scalar_one())
        return [_member_row(r) for r in rows], total

    async def of_user(self, user_id: uuid.UUID) -> list[UserMembership]:
        """Every membership of one person, in every tenant (oldest first)."""
        rows = (await self.session.execute(_USER_MEMBERSHIPS, {"user_id": user_id})).all()
        return [
            UserMembership(
                tenant_id=r.tenant_id,
                tenant_name=r.tenant_name,
                tenant_slug=r.tenant_slug,
                role=Role(r.role),
                joined_at=r.joined_at,
                tenant_is_active=r.tenant_is_active,
            )
            for r in rows
        ]

    @staticmethod
    def _members(tenant_id: uuid.UUID) -> Select[uuid.UUID, str, str, str, datetime]:
        return (
            select(Membership.user_id, User.email, User.full_name, Membership.role, Membership.created_at)
            .join(User, User.id == Membership.user_id)
            .where(Membership.tenant_id == tenant_id)
        )


def _member_row(row: Row[uuid.UUID, str, str, str, datetime]) -> MemberRow:
    user_id, email, full_name, role, joined_at = row
    return MemberRow(user_id=user_id, email=email, full_name=full_name, role=Role(role), joined_at=joined_at)
