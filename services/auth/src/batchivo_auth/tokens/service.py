"""Use cases of credentials: register, login, refresh (rotation, theft detection), logout, switch tenant,
/me, and API keys (create, list, revoke, exchange for an access token)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from batchivo_common.auth.scopes import normalise_scopes, scopes_for_role
from batchivo_common.auth.tokens import Principal, Role, TokenIssuer
from batchivo_common.errors import Forbidden, NotFound, Unauthenticated
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_auth.db import bind_tenant
from batchivo_auth.invitations.service import InvitationService
from batchivo_auth.tenants.models import Tenant
from batchivo_auth.tenants.repository import MembershipRepository, TenantRepository, UserMembership
from batchivo_auth.tenants.rules import effective_role
from batchivo_auth.tenants.service import TenantService
from batchivo_auth.tokens import rules
from batchivo_auth.tokens.models import ApiKey, RefreshToken
from batchivo_auth.tokens.repository import ApiKeyRepository, RefreshTokenRepository, RevocationStore
from batchivo_auth.users.models import User
from batchivo_auth.users.repository import UserRepository
from batchivo_auth.users.service import PasswordHasher, UserService

INVALID_REFRESH_TOKEN = "Invalid or expired refresh token"
INVALID_API_KEY = "Invalid or revoked API key"


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class Me:
    user: User
    tenant: Tenant
    role: Role
    memberships: list[UserMembership]


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    api_key: ApiKey
    key: str


@dataclass(frozen=True, slots=True)
class ExchangedApiKey:
    access_token: str
    expires_in: int


class SessionService:
    """Login sessions. A session is a refresh-token family in one tenant; each refresh rotates its token."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        issuer: TokenIssuer,
        hasher: PasswordHasher,
        revocations: RevocationStore,
        refresh_token_days: int,
        reuse_grace_seconds: int = rules.REFRESH_REUSE_GRACE_SECONDS,
    ):
        self.session = session
        self.reuse_grace_seconds = reuse_grace_seconds
        self.issuer = issuer
        self.hasher = hasher
        self.revocations = revocations
        self.refresh_ttl = timedelta(days=refresh_token_days)
        self.users = UserService(session, hasher)
        self.tenants = TenantService(session)
        self.tenant_rows = TenantRepository(session)
        self.memberships = MembershipRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)

    async def register(
        self, *, email: str, password: str, full_name: str, tenant_name: str, currency_code: str
    ) -> IssuedTokens:
        """User, tenant, owner membership, ``auth.tenant.created.v1`` and a token pair: one transaction."""
        # Hash before the first query: the transaction (and its connection) is not held during bcrypt.
        password_hash = await self.hasher.hash(password)
        user = await self.users.sign_up(email, password_hash, full_name)
        tenant = await self.tenants.create(name=tenant_name, currency_code=currency_code, owner_id=user.id)
        return await self._issue(user.id, tenant.id, Role.owner)

    async def register_invited(
        self, *, email: str, password: str, full_name: str, token: str, invitations: InvitationService
    ) -> IssuedTokens:
        """A user who joins the tenant that sent invitation ``token`` (no new tenant), and a token pair."""
        password_hash = await self.hasher.hash(password)
        invitation = await invitations.pending_for_token(token, email)  # binds the inviting tenant
        user = await self.users.sign_up(email, password_hash, full_name)
        joined = await invitations.join(invitation, user.id)
        return await self._issue(user.id, joined.tenant_id, joined.role)

    async def login(self, *, email: str, password: str, tenant_id: uuid.UUID | None) -> IssuedTokens:
        user_id = await self.users.authenticate(email, password)
        memberships = [m for m in await self.tenants.memberships_of(user_id) if m.tenant_is_active]
        if tenant_id is not None:
            chosen = next((m for m in memberships if m.tenant_id == tenant_id), None)
            if chosen is None:
                raise NotFound("Tenant not found")
        elif memberships:
            chosen = memberships[0]  # the oldest membership: usually the shop the person signed up with
        else:
            raise Forbidden("This account is not a member of any active tenant")
        await bind_tenant(self.session, chosen.tenant_id)
        return await self._issue(user_id, chosen.tenant_id, chosen.role)

    async def refresh(self, refresh_token: str) -> IssuedTokens:
        token_hash = rules.hash_secret(refresh_token)
        tenant_id = await self.refresh_tokens.tenant_of(token_hash)
        if tenant_id is None:
            raise Unauthenticated(INVALID_REFRESH_TOKEN)
        await bind_tenant(self.session, tenant_id)
        found = await self.refresh_tokens.by_hash(tenant_id, token_hash)
        if found is None or found.revoked_at is not None:
            raise Unauthenticated(INVALID_REFRESH_TOKEN)
        # Refreshes of one family run one at a time; what the others did is read after the lock.
        await self.refresh_tokens.lock_family(found.family_id)
        current = await self.refresh_tokens.by_hash(tenant_id, token_hash, for_update=True)
        if current is None or current.revoked_at is not None:
            raise Unauthenticated(INVALID_REFRESH_TOKEN)
        now = datetime.now(UTC)
        latest = None
        if current.used_at is not None:
            latest = await self.refresh_tokens.latest_rotation(tenant_id, current.family_id)
        verdict = rules.refresh_verdict(
            used_at=current.used_at, latest_rotation=latest, now=now, grace_seconds=self.reuse_grace_seconds
        )
        if verdict is rules.RefreshVerdict.THEFT:
            # Theft detection: a rotated-away token came back, so two parties hold this session.
            await self._revoke_and_reject(current, "Refresh token reuse detected; the session was revoked")
        if current.expires_at <= now:
            raise Unauthenticated(INVALID_REFRESH_TOKEN)
        membership = await self.memberships.get(tenant_id, current.user_id)
        user = await self.users.get(current.user_id)
        tenant = await self.tenant_rows.get(tenant_id)
        if membership is None or user is None or not user.is_active or tenant is None or not tenant.is_active:
            await self._revoke_and_reject(current, "This session is no longer valid")
        if verdict is rules.RefreshVerdict.ROTATE:
            current.used_at = now
            # Siblings issued in the grace window (other tabs' answers) count as rotated now too, so the
            # family keeps one live token once the window has passed.
            await self.refresh_tokens.retire_siblings(tenant_id, current.family_id, current.id, now)
        # GRACE: another tab of the same browser sent the same cookie moments ago. It gets a sibling of
        # the successor; nothing is revoked, and the presented token's used_at stays (no sliding window).
        # The role comes from the membership as it is now: a promotion or demotion applies at refresh.
        return await self._issue(
            current.user_id, tenant_id, Role(membership.role), family_id=current.family_id
        )

    async def logout(self, principal: Principal, refresh_token: str | None) -> None:
        """End the session of ``refresh_token`` (if any, and the caller's); refuse the access token now."""
        if refresh_token is not None:
            token = await self.refresh_tokens.by_hash(principal.tenant_id, rules.hash_secret(refresh_token))
            if token is not None and token.user_id == principal.user_id:
                await self.refresh_tokens.revoke_family(principal.tenant_id, token.family_id)
        ttl = rules.deny_ttl_seconds(principal.expires_at, int(time.time()))
        await self.revocations.deny(principal.jti, ttl)

    async def switch_tenant(
        self, principal: Principal, tenant_id: uuid.UUID, replaces_refresh_token: str | None = None
    ) -> IssuedTokens:
        """A new pair for ``tenant_id``. ``replaces_refresh_token``: the session the new one takes the place
        of (a browser keeps one refresh cookie), ended here so it does not linger unreachable for 14 days."""
        if principal.api_key_id is not None:
            raise Forbidden("An API key belongs to one tenant and cannot switch")
        memberships = await self.tenants.memberships_of(principal.user_id)
        chosen = next((m for m in memberships if m.tenant_id == tenant_id and m.tenant_is_active), None)
        if chosen is None:
            raise NotFound("Tenant not found")
        user = await self.users.get(principal.user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("This account is disabled")
        if replaces_refresh_token is not None:
            old = await self.refresh_tokens.by_hash(
                principal.tenant_id, rules.hash_secret(replaces_refresh_token)
            )
            if old is not None and old.user_id == principal.user_id:
                await self.refresh_tokens.revoke_family(principal.tenant_id, old.family_id)
        await bind_tenant(self.session, tenant_id)
        return await self._issue(principal.user_id, tenant_id, chosen.role)

    async def me(self, principal: Principal) -> Me:
        user = await self.users.get(principal.user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("This account is disabled")
        tenant = await self.tenant_rows.get(principal.tenant_id)
        if tenant is None:
            raise NotFound("Tenant not found")
        memberships = [m for m in await self.tenants.memberships_of(principal.user_id) if m.tenant_is_active]
        if principal.api_key_id is not None:
            # A partner system sees its own tenant, not the rest of the key creator's memberships.
            memberships = [m for m in memberships if m.tenant_id == principal.tenant_id]
        return Me(user=user, tenant=tenant, role=principal.role, memberships=memberships)

    async def _issue(
        self, user_id: uuid.UUID, tenant_id: uuid.UUID, role: Role, *, family_id: uuid.UUID | None = None
    ) -> IssuedTokens:
        access_token, _ = self.issuer.issue(user_id, tenant_id, role)
        refresh_token = rules.new_refresh_token()
        await self.refresh_tokens.add(
            RefreshToken(
                tenant_id=tenant_id,
                user_id=user_id,
                family_id=family_id or uuid.uuid4(),
                token_hash=rules.hash_secret(refresh_token),
                expires_at=datetime.now(UTC) + self.refresh_ttl,
            )
        )
        return IssuedTokens(access_token, refresh_token, self.issuer.ttl_seconds)

    async def _revoke_and_reject(self, token: RefreshToken, detail: str) -> NoReturn:
        await self.refresh_tokens.revoke_family(token.tenant_id, token.family_id)
        # The one place a service commits: the revocation must outlive the 401 that follows (an exception
        # would otherwise roll it back with the rest of the request's transaction).
        await self.session.commit()
        raise Unauthenticated(detail)


class ApiKeyService:
    def __init__(
        self, session: AsyncSession, *, issuer: TokenIssuer, revocations: RevocationStore, token_seconds: int
    ):
        self.session = session
        self.issuer = issuer
        self.revocations = revocations
        self.token_seconds = token_seconds
        self.keys = ApiKeyRepository(session)
        self.tenants = TenantRepository(session)
        self.memberships = MembershipRepository(session)
        self.users = UserRepository(session)

    async def create(
        self, principal: Principal, *, name: str, role: Role, scopes: Sequence[str] | None = None
    ) -> CreatedApiKey:
        """``scopes``: None gives every scope ``role`` allows; the caller (the request body) has refused
        scopes beyond the role."""
        actor = await self._acting_role(principal)
        if not rules.can_issue_api_key(actor, role):
            raise Forbidden(f"Your role cannot create a key with the {role.value} role")
        key, prefix = rules.new_api_key()
        row = await self.keys.add(
            ApiKey(
                tenant_id=principal.tenant_id,
                name=name,
                role=role.value,
                scopes=normalise_scopes(scopes, role),
                key_hash=rules.hash_secret(key),
                prefix=prefix,
                created_by=principal.user_id,
            )
        )
        return CreatedApiKey(row, key)

    async def page(
        self, principal: Principal, *, limit: int, offset: int, sort: str, descending: bool
    ) -> tuple[Sequence[ApiKey], int]:
        return await self.keys.page(
            principal.tenant_id, limit=limit, offset=offset, sort=sort, descending=descending
        )

    async def get(self, principal: Principal, key_id: uuid.UUID) -> ApiKey:
        row = await self.keys.get(principal.tenant_id, key_id)
        if row is None:
            raise NotFound("API key not found")
        return row

    async def revoke(self, principal: Principal, key_id: uuid.UUID) -> None:
        actor = await self._acting_role(principal)
        row = await self.keys.get(principal.tenant_id, key_id, for_update=True)
        if row is None:
            raise NotFound("API key not found")
        if not rules.can_issue_api_key(actor, Role(row.role)):
            raise Forbidden(f"Your role cannot revoke a key with the {row.role} role")
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
            await self.session.flush()
        # The row stays locked until commit, so a concurrent exchange waits and then sees the revocation;
        # dropping the gateway's cached token makes it take effect at once.
        await self.revocations.forget_api_key(row.key_hash)

    async def exchange(self, key: str) -> ExchangedApiKey:
        """A short-lived access token for the key's tenant and role (the gateway calls this and caches it)."""
        if rules.api_key_prefix(key) is None:
            raise Unauthenticated(INVALID_API_KEY)
        key_hash = rules.hash_secret(key)
        tenant_id = await self.keys.tenant_of(key_hash)
        if tenant_id is None:
            raise Unauthenticated(INVALID_API_KEY)
        await bind_tenant(self.session, tenant_id)
        row = await self.keys.get_by_hash_for_update(tenant_id, key_hash)
        if row is None or row.revoked_at is not None:
            raise Unauthenticated(INVALID_API_KEY)
        tenant = await self.tenants.get(tenant_id)
        if tenant is None or not tenant.is_active:
            raise Unauthenticated(INVALID_API_KEY)
        # A key acts with the lower of its own role and its creator's role now; it stops working when the
        # creator leaves the tenant or is disabled (member changes also drop the gateway's cached exchange).
        # Locked: a concurrent demotion or removal (which holds this row) commits first, and is then seen.
        creator = await self.memberships.get(tenant_id, row.created_by, for_update=True)
        creator_user = await self.users.get(row.created_by)
        if creator is None or creator_user is None or not creator_user.is_active:
            raise Unauthenticated(INVALID_API_KEY)
        role = effective_role(Role(row.role), Role(creator.role))
        await self.keys.touch(row, datetime.now(UTC))
        # Never more than the acting role allows now (a demoted creator narrows the key's writes too).
        scopes = set(row.scopes) & scopes_for_role(role)
        token, _ = self.issuer.issue(
            row.created_by,
            tenant_id,
            role,
            api_key_id=row.id,
            api_key_name=row.name,
            scopes=scopes,
            ttl_seconds=self.token_seconds,
        )
        return ExchangedApiKey(token, self.token_seconds)

    async def _acting_role(self, principal: Principal) -> Role:
        if principal.api_key_id is not None:
            raise Forbidden("API keys cannot manage API keys")
        own = await self.memberships.get(principal.tenant_id, principal.user_id)
        if own is None:
            raise Forbidden("You are no longer a member of this tenant")
        return effective_role(principal.role, Role(own.role))
