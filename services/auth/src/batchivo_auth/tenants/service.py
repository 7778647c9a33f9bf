"""Use cases of tenancy: creating a tenant (with its event) and managing its members."""

from __future__ import annotations

import secrets
import string
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from batchivo_common.auth.tokens import Principal, Role
from batchivo_common.contracts.auth import TenantCreatedV1
from batchivo_common.errors import Conflict, Forbidden, NotFound, Unauthenticated
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import add_event
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_auth.db import bind_tenant, outbox
from batchivo_auth.tenants import rules
from batchivo_auth.tenants.models import Membership, Tenant
from batchivo_auth.tenants.repository import (
    MemberRow,
    MembershipRepository,
    SlugTaken,
    TenantRepository,
    UserMembership,
)
from batchivo_auth.tokens.repository import ApiKeyRepository, RefreshTokenRepository, RevocationStore
from batchivo_auth.users.repository import UserRepository

PRODUCER = "auth"
TENANT_CREATED = "auth.tenant.created.v1"
_SLUG_ATTEMPTS = 8
_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits


class TenantService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.tenants = TenantRepository(session)
        self.memberships = MembershipRepository(session)

    async def create(self, *, name: str, currency_code: str, owner_id: uuid.UUID) -> Tenant:
        """A new tenant with ``owner_id`` as its owner; publishes ``auth.tenant.created.v1`` (outbox).

        Binds the transaction to the new tenant: everything after this runs under its RLS context.
        """
        tenant_id = uuid.uuid4()
        await bind_tenant(self.session, tenant_id)
        base = rules.slugify(name)
        slug = base
        for _ in range(_SLUG_ATTEMPTS):
            tenant = Tenant(id=tenant_id, name=name, slug=slug, currency_code=currency_code)
            try:
                await self.tenants.insert(tenant)
                break
            except SlugTaken:
                suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(6))
                slug = rules.slug_with_suffix(base, suffix)
        else:  # pragma: no cover - eight random 6-character suffixes all taken
            raise Conflict("Could not find a free slug for this tenant name")
        await self.memberships.add(Membership(tenant_id=tenant_id, user_id=owner_id, role=Role.owner.value))
        event = new_event(
            TENANT_CREATED,
            producer=PRODUCER,
            tenant_id=tenant_id,
            aggregate_id=tenant_id,
            aggregate_version=1,
            data=TenantCreatedV1(name=tenant.name, slug=tenant.slug, currency_code=tenant.currency_code),
        )
        await add_event(self.session, outbox, event)
        return tenant

    async def get(self, tenant_id: uuid.UUID) -> Tenant | None:
        return await self.tenants.get(tenant_id)

    async def memberships_of(self, user_id: uuid.UUID) -> list[UserMembership]:
        return await self.memberships.of_user(user_id)


class MemberService:
    """Members of the caller's tenant. Mutations lock the tenant row, so concurrent changes queue up and the
    owner count each one checks is the real one; the caller's role is re-read (a demotion counts at once)."""

    def __init__(self, session: AsyncSession, revocations: RevocationStore):
        self.session = session
        self.revocations = revocations
        self.tenants = TenantRepository(session)
        self.memberships = MembershipRepository(session)
        self.users = UserRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)
        self.api_keys = ApiKeyRepository(session)

    async def page(
        self, principal: Principal, *, limit: int, offset: int, sort: str, descending: bool
    ) -> tuple[Sequence[MemberRow], int]:
        return await self.memberships.page(
            principal.tenant_id, limit=limit, offset=offset, sort=sort, descending=descending
        )

    async def get(self, principal: Principal, user_id: uuid.UUID) -> MemberRow:
        row = await self.memberships.member(principal.tenant_id, user_id)
        if row is None:
            raise NotFound("Member not found")
        return row

    async def change_role(self, principal: Principal, user_id: uuid.UUID, role: Role) -> MemberRow:
        actor = await self._acting_role(principal)
        target = await self._target(principal.tenant_id, user_id)
        current = Role(target.role)
        owners = await self.memberships.count_owners(principal.tenant_id)
        with verdict():
            rules.check_change(
                actor_id=principal.user_id,
                actor=actor,
                target_id=user_id,
                current=current,
                new=role,
                owners=owners,
            )
        if role is not current:
            target.role = role.value
            await self.session.flush()
            if role.rank < current.rank:
                # Their keys act with at most their new role: the gateway must exchange them again.
                await self._forget_keys_of(principal.tenant_id, user_id)
        return await self._row(principal.tenant_id, user_id)

    async def remove(self, principal: Principal, user_id: uuid.UUID) -> None:
        actor = await self._acting_role(principal)
        target = await self._target(principal.tenant_id, user_id)
        owners = await self.memberships.count_owners(principal.tenant_id)
        with verdict():
            rules.check_remove(
                actor_id=principal.user_id,
                actor=actor,
                target_id=user_id,
                current=Role(target.role),
                owners=owners,
            )
        await self.memberships.delete(target)
        # Their sessions in this tenant end now, not at the next refresh.
        await self.refresh_tokens.revoke_user(principal.tenant_id, user_id)
        # The keys they created stop working (the exchange checks the creator's membership).
        await self._forget_keys_of(principal.tenant_id, user_id)

    async def _forget_keys_of(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self.revocations.forget_api_keys(await self.api_keys.hashes_created_by(tenant_id, user_id))

    async def _acting_role(self, principal: Principal) -> Role:
        return await acting_role(self.session, principal)

    async def _target(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> Membership:
        target = await self.memberships.get(tenant_id, user_id, for_update=True)
        if target is None:
            raise NotFound("Member not found")
        return target

    async def _row(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> MemberRow:
        row = await self.memberships.member(tenant_id, user_id)
        if row is None:  # pragma: no cover - written in this transaction
            raise NotFound("Member not found")
        return row


async def acting_role(session: AsyncSession, principal: Principal) -> Role:
    """The role a person acts with on the members of their tenant: the lower of the token's and the stored
    one (a demotion counts at once). Locks the tenant row, so member changes run one at a time."""
    if principal.api_key_id is not None:
        raise Forbidden("API keys cannot manage members")
    if await TenantRepository(session).lock(principal.tenant_id) is None:
        raise Unauthenticated("Tenant no longer exists")
    own = await MembershipRepository(session).get(principal.tenant_id, principal.user_id)
    if own is None:
        raise Forbidden("You are no longer a member of this tenant")
    return rules.effective_role(principal.role, Role(own.role))


@contextmanager
def verdict() -> Iterator[None]:
    """Turn a pure rule's verdict into the HTTP error of the project's format."""
    try:
        yield
    except rules.Denied as exc:
        raise Forbidden(str(exc)) from None
    except rules.MustKeepOwner as exc:
        raise Conflict(str(exc)) from None
