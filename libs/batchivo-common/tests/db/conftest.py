"""A throwaway tenant table under the shared RLS recipe, for the tests of what runs on top of it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import pytest
from batchivo_common.db import rls
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra, create_service_schema

RlsTable = Callable[[str, str], Awaitable[ServiceDatabase]]


class CollectingOp:
    """Stands in for Alembic's ``op``: collects the statements the rls helpers would run."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, sqltext: str) -> None:
        self.statements.append(sqltext)


@pytest.fixture(scope="session")
def rls_table(batchivo_infra: TestInfra) -> RlsTable:
    """``await rls_table(schema, table)``: the schema and its roles, and ``schema.table`` (id, tenant_id,
    name) with forced RLS per tenant and the app role's grants."""

    async def create(schema: str, table: str) -> ServiceDatabase:
        db = await create_service_schema(batchivo_infra, schema)
        op = CollectingOp()
        rls.enable_tenant_rls(op, schema, table)
        rls.grant(op, schema, table, db.roles.app, "SELECT, INSERT, UPDATE, DELETE")
        owner = await asyncpg.connect(db.owner_url.replace("+asyncpg", ""))
        try:
            await owner.execute(
                f"CREATE TABLE {schema}.{table}"
                " (id uuid primary key, tenant_id uuid not null, name text not null)"
            )
            for statement in op.statements:
                await owner.execute(statement)
        finally:
            await owner.close()
        return db

    return create
