"""Use cases of invitations.

- Admins and owners invite an email with a role. The answer is the same whether or not the email has an
  account, and shows nothing about the person. A re-invite of an open invitation updates it (role, a new
  link secret, a new expiry): one open invitation per email and tenant.
- The invitee, signed in as that email, lists their pending invitations and accepts or declines them;
  someone without an account registers with the invitation's link secret instead of a shop name.
- Admins list and revoke their tenant's pending invitations. Invitations expire.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from batchivo_common.auth.tokens import Principal, Role
from batchivo_common.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthenticated
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_auth.db import bind_tenant
from batchivo_auth.invitations import rules
from batchivo_auth.invitations.models import Invitation
from batchivo_auth.invitations.repository import InvitationRepository, PendingInvitation
from batchivo_auth.tenants.models import Membership
from batchivo_auth.tenants.repository import MembershipRepository, TenantRepository
from batchivo_auth.tenants.service import acting_role, verdict
from batchivo_auth.users.repository import UserRepository
from batchivo_auth.users.rules import normalize_email

INVITATION_NOT_FOUND = "Invitation not found"


@dataclass(frozen=True, slots=True)
class CreatedInvitation:
    invitation: Invitation
    #: The link secret, shown once: registering with it joins the tenant.
    token: str


@dataclass(frozen=True, slots=True)
class Joined:
    tenant_id: uuid.UUID
    tenant_name: str
    role: Role


class InvitationService:
    def __init__(self, session: AsyncSession, *, invitation_days: int):
        self.session = session
        self.days = invitation_days
        self.invitations = InvitationRepository(session)
        self.tenants = TenantRepository(session)
        self.memberships = MembershipRepository(session)
        self.users = UserRepository(session)

    # -- the inviting tenant's admins -----------------------------------------------------------------

    async def invite(self, principal: Principal, email: str, role: Role) -> CreatedInvitation:
        actor = await acting_role(self.session, principal)  # locks the tenant row
        with verdict():
            rules.check_invite(actor, role)
        email = normalize_email(email)
        user = await self.users.by_email(email)
        if user is not None and await self.memberships.get(principal.tenant_id, user.id) is not None:
            # The members list already shows this to the admin; nothing new is revealed.
            raise Conflict("This person is already a member")
        now = datetime.now(UTC)
        token = rules.new_invitation_token()
        invitation = await self.invitations.open_for_email(principal.tenant_id, email)
        if invitation is None:
            invitation = await self.invitations.add(
                Invitation(
                    tenant_id=principal.tenant_id,
                    email=email,
                    role=role.value,
                    token_hash=rules.hash_token(token),
                    invited_by=principal.user_id,
                    expires_at=rules.expires_at(now, self.days),
                )
            )
        else:  # idempotent: the one open invitation now says this (the old link stops working)
            invitation.role = role.value
            invitation.token_hash = rules.hash_token(token)
            invitation.invited_by = principal.user_id
            invitation.expires_at = rules.expires_at(now, self.days)
            await self.session.flush()
        await self.session.refresh(invitation)
        return CreatedInvitation(invitation, token)

    async def page(
        self, principal: Principal, *, limit: int, offset: int
    ) -> tuple[Sequence[Invitation], int]:
        return await self.invitations.pending_page(principal.tenant_id, limit=limit, offset=offset)

    async def revoke(self, principal: Principal, invitation_id: uuid.UUID) -> None:
        actor = await acting_role(self.session, principal)
        invitation = await self.invitations.get(principal.tenant_id, invitation_id, for_update=True)
        if invitation is None:
            raise NotFound(INVITATION_NOT_FOUND)
        with verdict():
            rules.check_invite(actor, Role(invitation.role))
        if rules.status_of(_state(invitation), datetime.now(UTC)) in (
            rules.InvitationStatus.pending,
            rules.InvitationStatus.expired,
        ):
            invitation.revoked_at = datetime.now(UTC)
            await self.session.flush()

    # -- the invitee ----------------------------------------------------------------------------------

    async def mine(self, principal: Principal) -> list[PendingInvitation]:
        email = await self._own_email(principal)
        return await self.invitations.pending_for_email(email)

    async def accept(self, principal: Principal, invitation_id: uuid.UUID) -> Joined:
        email = await self._own_email(principal)
        invitation = await self._pending_addressed_to(invitation_id, email)
        return await self._join(invitation, principal.user_id)

    async def decline(self, principal: Principal, invitation_id: uuid.UUID) -> None:
        email = await self._own_email(principal)
        invitation = await self._pending_addressed_to(invitation_id, email)
        invitation.declined_at = datetime.now(UTC)
        await self.session.flush()

    async def pending_for_token(self, token: str, email: str) -> Invitation:
        """The pending invitation whose link secret is ``token``, for registration as ``email``.

        Binds the transaction to the inviting tenant. 404 for an unknown, answered, revoked or expired
        invitation; 400 when it was sent to another email."""
        tenant_id = await self.invitations.tenant_of_token(rules.hash_token(token))
        if tenant_id is None:
            raise NotFound(INVITATION_NOT_FOUND)
        await bind_tenant(self.session, tenant_id)
        await self.tenants.lock(tenant_id)
        invitation = await self.invitations.by_token_hash(tenant_id, rules.hash_token(token))
        if invitation is None or not self._is_pending(invitation):
            raise NotFound(INVITATION_NOT_FOUND)
        if invitation.email != normalize_email(email):
            raise BadRequest("This invitation was sent to another email address")
        return invitation

    async def join(self, invitation: Invitation, user_id: uuid.UUID) -> Joined:
        return await self._join(invitation, user_id)

    # -- internals ------------------------------------------------------------------------------------

    async def _own_email(self, principal: Principal) -> str:
        if principal.api_key_id is not None:
            raise Forbidden("Invitations are for people, not API keys")
        user = await self.users.get(principal.user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("This account is disabled")
        return normalize_email(user.email)

    async def _pending_addressed_to(self, invitation_id: uuid.UUID, email: str) -> Invitation:
        tenant_id = await self.invitations.tenant_of(invitation_id, email)
        if tenant_id is None:
            raise NotFound(INVITATION_NOT_FOUND)
        # From here on the transaction is the inviting tenant's (the caller's token names another one).
        await bind_tenant(self.session, tenant_id)
        await self.tenants.lock(tenant_id)
        invitation = await self.invitations.get(tenant_id, invitation_id, for_update=True)
        if invitation is None or not self._is_pending(invitation):
            raise NotFound(INVITATION_NOT_FOUND)
        return invitation

    @staticmethod
    def _is_pending(invitation: Invitation) -> bool:
        return rules.status_of(_state(invitation), datetime.now(UTC)) is rules.InvitationStatus.pending

    async def _join(self, invitation: Invitation, user_id: uuid.UUID) -> Joined:
        tenant = await self.tenants.get(invitation.tenant_id)
        if tenant is None or not tenant.is_active:
            raise NotFound(INVITATION_NOT_FOUND)
        role = Role(invitation.role)
        inviter = await self.memberships.get(invitation.tenant_id, invitation.invited_by)
        if not rules.inviter_may_still_grant(Role(inviter.role) if inviter else None, role):
            raise Conflict("This invitation is no longer valid: ask for a new one")
        existing = await self.memberships.get(invitation.tenant_id, user_id)
        if existing is None:
            await self.memberships.add(
                Membership(tenant_id=invitation.tenant_id, user_id=user_id, role=role.value)
            )
        else:  # already a member (joined another way meanwhile): keep the role they have
            role = Role(existing.role)
        invitation.accepted_at = datetime.now(UTC)
        await self.session.flush()
        return Joined(tenant.id, tenant.name, role)


def _state(invitation: Invitation) -> rules.InvitationState:
    return rules.InvitationState(
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
        declined_at=invitation.declined_at,
        revoked_at=invitation.revoked_at,
    )
