"""Async engines and session factories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from batchivo_common.db.tenancy import TenantSession


def create_engine(
    dsn: str, *, application_name: str, pool_size: int = 10, max_overflow: int = 10
) -> AsyncEngine:
    return create_async_engine(
        dsn,
        pool_size=pool_size,
        max_overflow=max_overflow,
        # No pre-ping: it costs a round trip on every checkout. A connection that died (database restart)
        # fails one transaction and is discarded; recycling bounds how long any connection lives.
        pool_recycle=1800,
        connect_args={
            "server_settings": {
                "application_name": application_name,
                # asyncpg prepares every statement; after a few runs PostgreSQL may switch to one generic
                # plan per statement, blind to which tenant it runs for. Tenants differ in size by orders of
                # magnitude, so a plan fit for one is slow for another (seen: 250 ms lists). Plan each time.
                "plan_cache_mode": "force_custom_plan",
            }
        },
    )


def tenant_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose transactions run under the current tenant's RLS context."""
    return async_sessionmaker(engine, sync_session_class=TenantSession, expire_on_commit=False)
