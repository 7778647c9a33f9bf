"""Migration checks every service's tests run."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from batchivo_common.testing.plugin import ServiceDatabase


async def schema_drift(db: ServiceDatabase, metadata: MetaData) -> list[Any]:
    """What Alembic's autogenerate would change to make the migrated schema match the ORM ``metadata``:
    an empty list means the hand-written migrations and the models agree."""
    schema = db.roles.schema

    def compare(sync: Connection) -> list[Any]:
        context = MigrationContext.configure(
            sync,
            opts={
                "include_schemas": True,
                "include_name": lambda name, type_, _: type_ != "schema" or name == schema,
                "compare_type": True,
                "version_table_schema": schema,
            },
        )
        return list(compare_metadata(context, metadata))

    engine = create_async_engine(db.owner_url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(compare)
    finally:
        await engine.dispose()
