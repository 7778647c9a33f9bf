"""Async engines and session factories."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from batchivo_common.db.errors import translate_connect_errors
from batchivo_common.db.tenancy import TenantBoundConnection, TenantSession
from batchivo_common.settings import ServiceSettings

#: Defaults of ``create_engine``'s waits (seconds); a service passes its settings' values.
CONNECT_TIMEOUT = 2.0
POOL_TIMEOUT = 2.0


def create_engine(
    dsn: str,
    *,
    application_name: str,
    pool_size: int = 20,
    max_overflow: int = 0,
    connect_timeout: float = CONNECT_TIMEOUT,
    pool_timeout: float = POOL_TIMEOUT,
) -> AsyncEngine:
    """An engine whose waits are short (docs/adr/0007-database-timeouts.md): opening a connection gives up
    after ``connect_timeout``, waiting for a pooled one after ``pool_timeout``; either failure is a
    :class:`~batchivo_common.db.errors.DatabaseUnavailable` (503), never a long hang. Statement, lock and
    idle-in-transaction timeouts are set on the database role (``roles.ROLE_SETTINGS``)."""
    engine = create_async_engine(
        dsn,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        # No pre-ping: it costs a round trip on every checkout. A connection that died (database restart)
        # fails one transaction and is discarded; recycling bounds how long any connection lives.
        pool_recycle=1800,
        connect_args={
            "timeout": connect_timeout,
            # Every BEGIN carries the ContextVar tenant's set_config in the same message (tenancy.py).
            "connection_class": TenantBoundConnection,
            "server_settings": {
                "application_name": application_name,
                # asyncpg prepares every statement; after a few runs PostgreSQL may switch to one generic
                # plan per statement, blind to which tenant it runs for. Tenants differ in size by orders of
                # magnitude, so a plan fit for one is slow for another (seen: 250 ms lists). Plan each time.
                "plan_cache_mode": "force_custom_plan",
            },
        },
    )
    translate_connect_errors(engine)
    return engine


def service_engine(settings: ServiceSettings, *, application_name: str) -> AsyncEngine:
    """The API's engine on the app role, sized and timed by the service's settings."""
    return create_engine(
        settings.database_url,
        application_name=application_name,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        connect_timeout=settings.db_connect_timeout,
        pool_timeout=settings.db_pool_timeout,
    )


def tenant_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose transactions run under the current tenant's RLS context."""
    return async_sessionmaker(engine, sync_session_class=TenantSession, expire_on_commit=False)
