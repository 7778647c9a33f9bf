"""The shared body of every service's Alembic ``env.py``.

A service's ``migrations/env.py`` is just::

    from batchivo_auth.settings import AuthSettings
    from batchivo_auth.db import metadata
    from batchivo_common.db.migrations import run_migrations
    run_migrations(AuthSettings(), metadata)

Migrations run as ``<svc>_owner`` (``owner_database_url``), touch only the service's schema, and keep
their version table there. Reviewed migrations read the role names with :func:`roles`.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from batchivo_common.db.roles import ServiceRoles, ident
from batchivo_common.settings import ServiceSettings

_roles: ServiceRoles | None = None


def roles() -> ServiceRoles:
    """The roles of the service being migrated (with the test run's suffix, if any)."""
    if _roles is None:
        raise RuntimeError("roles() is only available while run_migrations() runs")
    return _roles


def _run_sync(connection: Connection, metadata: MetaData, schema: str) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=schema,
        include_schemas=False,
        include_name=lambda name, type_, _: type_ != "schema" or name == schema,
        compare_type=True,
    )
    with context.begin_transaction():
        connection.execute(text(f"SET LOCAL search_path TO {ident(schema)}"))
        context.run_migrations()


async def _run_async(settings: ServiceSettings, metadata: MetaData) -> None:
    engine = create_async_engine(settings.owner_database_url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync, metadata, settings.db_schema)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations(settings: ServiceSettings, metadata: MetaData) -> None:
    global _roles
    _roles = ServiceRoles(settings.db_schema, settings.db_role_suffix)
    if context.is_offline_mode():
        raise SystemExit("offline migrations are not supported; run against a database")
    asyncio.run(_run_async(settings, metadata))
