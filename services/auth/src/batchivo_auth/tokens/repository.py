"""Queries on ``auth.refresh_tokens`` and ``auth.api_keys``."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from batchivo_common.auth import revocation
from batchivo_common.errors import Unavailable
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_auth.tokens.models import ApiKey, RefreshToken

# SECURITY DEFINER functions (docs/adr/0002-login-lookup.md): which tenant a presented secret belongs to,
# and nothing else. The caller then binds that tenant and reads the row under ordinary RLS.
_REFRESH_TOKEN_TENANT = text("select auth.refresh_token_tenant(:token_hash)")
_API_KEY_TENANT = text("select auth.api_key_tenant(:key_hash)")
#: One transaction-scoped advisory lock per refresh family: refreshes, logouts and switch-tenants of one
#: family run one at a time (siblings issued in the grace window are then retired without a deadlock).
#: A hash collision only makes two unrelated families wait for each other.
_LOCK_FAMILY = text("select pg_advisory_xact_lock(hashtextextended(:key, 0))")


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def tenant_of(self, token_hash: str) -> uuid.UUID | None:
        value = (await self.session.execute(_REFRESH_TOKEN_TENANT, {"token_hash": token_hash})).scalar_one()
        return value if isinstance(value, uuid.UUID) else None

    async def by_hash(
        self, tenant_id: uuid.UUID, token_hash: str, *, for_update: bool = False
    ) -> RefreshToken | None:
        stmt = select(RefreshToken).where(
            RefreshToken.tenant_id == tenant_id, RefreshToken.token_hash == token_hash
        )
        if for_update:
            # Re-read under the lock: an object already loaded by this session must not keep stale values.
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def lock_family(self, family_id: uuid.UUID) -> None:
        """Wait for (then hold until the end of the transaction) the lock of one refresh family."""
        await self.session.execute(_LOCK_FAMILY, {"key": f"auth.refresh_family:{family_id}"})

    async def latest_rotation(self, tenant_id: uuid.UUID, family_id: uuid.UUID) -> datetime | None:
        """The latest ``used_at`` of the family (None when none of its tokens was rotated yet)."""
        stmt = select(func.max(RefreshToken.used_at)).where(
            RefreshToken.tenant_id == tenant_id, RefreshToken.family_id == family_id
        )
        value = (await self.session.execute(stmt)).scalar_one_or_none()
        return value if isinstance(value, datetime) else None

    async def retire_siblings(
        self, tenant_id: uuid.UUID, family_id: uuid.UUID, rotated_id: uuid.UUID, when: datetime
    ) -> None:
        """Mark the family's other unused tokens as used at ``when`` (the rotation of ``rotated_id``).

        They are the siblings issued in the grace window; after this they are honoured only within the
        window, like the rotated token, and are theft afterwards.
        """
        await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.tenant_id == tenant_id,
                RefreshToken.family_id == family_id,
                RefreshToken.id != rotated_id,
                RefreshToken.used_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(used_at=when)
            .execution_options(synchronize_session=False)
        )

    async def add(self, token: RefreshToken) -> RefreshToken:
        self.session.add(token)
        await self.session.flush()
        return token

    async def revoke_family(self, tenant_id: uuid.UUID, family_id: uuid.UUID) -> None:
        await self.lock_family(family_id)
        await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.tenant_id == tenant_id,
                RefreshToken.family_id == family_id,
                RefreshToken.revoked_at.is_(None),
            )
            .values(revoked_at=func.now())
        )

    async def revoke_user(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.tenant_id == tenant_id,
                RefreshToken.user_id == user_id,
                RefreshToken.revoked_at.is_(None),
            )
            .values(revoked_at=func.now())
        )


class ApiKeyRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def tenant_of(self, key_hash: str) -> uuid.UUID | None:
        value = (await self.session.execute(_API_KEY_TENANT, {"key_hash": key_hash})).scalar_one()
        return value if isinstance(value, uuid.UUID) else None

    async def get_by_hash_for_update(self, tenant_id: uuid.UUID, key_hash: str) -> ApiKey | None:
        stmt = (
            select(ApiKey).where(ApiKey.tenant_id == tenant_id, ApiKey.key_hash == key_hash).with_for_update()
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get(
        self, tenant_id: uuid.UUID, key_id: uuid.UUID, *, for_update: bool = False
    ) -> ApiKey | None:
        stmt = select(ApiKey).where(ApiKey.tenant_id == tenant_id, ApiKey.id == key_id)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def add(self, key: ApiKey) -> ApiKey:
        self.session.add(key)
        await self.session.flush()
        return key

    async def page(
        self, tenant_id: uuid.UUID, *, limit: int, offset: int, sort: str, descending: bool
    ) -> tuple[Sequence[ApiKey], int]:
        columns = {"created_at": ApiKey.created_at, "name": ApiKey.name, "last_used_at": ApiKey.last_used_at}
        column = columns[sort]
        order = column.desc().nulls_last() if descending else column.asc().nulls_last()
        stmt = (
            select(ApiKey)
            .where(ApiKey.tenant_id == tenant_id)
            .order_by(order, ApiKey.id)
            .limit(limit)
            .offset(offset)
        )
        keys = (await self.session.execute(stmt)).scalars().all()
        total_stmt = select(func.count()).select_from(ApiKey).where(ApiKey.tenant_id == tenant_id)
        return keys, int((await self.session.execute(total_stmt)).scalar_one())

    async def hashes_created_by(self, tenant_id: uuid.UUID, user_id: uuid.UUID) -> list[str]:
        """The hashes of the unrevoked keys ``user_id`` created in ``tenant_id``."""
        stmt = select(ApiKey.key_hash).where(
            ApiKey.tenant_id == tenant_id, ApiKey.created_by == user_id, ApiKey.revoked_at.is_(None)
        )
        return list((await self.session.execute(stmt)).scalars().all())

    async def touch(self, key: ApiKey, when: datetime) -> None:
        key.last_used_at = when
        await self.session.flush()


class RevocationStore:
    """The Redis side of revocation, shared with the gateway (which reads exactly these keys).

    Without Redis nothing here can be guaranteed, so every operation fails closed with a 503.
    """

    def __init__(self, redis: Redis, *, redis_prefix: str, api_key_cache_key: Callable[[str], str]):
        self.redis = redis
        self.redis_prefix = redis_prefix
        self._api_key_cache_key = api_key_cache_key

    async def deny(self, jti: str, ttl_seconds: int) -> None:
        """Refuse the access token ``jti`` until it would have expired anyway (and tell the gateways)."""
        with _redis_unavailable():
            await revocation.deny(self.redis, self.redis_prefix, jti, ttl_seconds)

    async def is_denied(self, jti: str) -> bool:
        with _redis_unavailable():
            return bool(await self.redis.exists(revocation.deny_key(self.redis_prefix, jti)))

    async def forget_api_key(self, key_hash: str) -> None:
        """Drop the gateway's cached exchange for a key, so its revocation takes effect at once."""
        await self.forget_api_keys([key_hash])

    async def forget_api_keys(self, key_hashes: Sequence[str]) -> None:
        """Drop the gateway's cached exchanges of these keys (their creator was demoted or removed)."""
        if not key_hashes:
            return
        with _redis_unavailable():
            await self.redis.delete(*(self._api_key_cache_key(h) for h in key_hashes))


@contextmanager
def _redis_unavailable() -> Iterator[None]:
    try:
        yield
    except RedisError:
        raise Unavailable("The token revocation store is unavailable") from None
