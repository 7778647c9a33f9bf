"""The migration round-trips, and the ORM models describe exactly the schema it builds."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from batchivo_auth.db import metadata
from batchivo_common.testing.migrations import schema_drift
from batchivo_common.testing.plugin import alembic

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


async def _objects(admin_url: str) -> dict[str, set[str]]:
    conn = await asyncpg.connect(admin_url)
    try:
        tables = await conn.fetch("select tablename from pg_tables where schemaname = 'auth'")
        functions = await conn.fetch(
            "select proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
            " where n.nspname = 'auth'"
        )
        policies = await conn.fetch("select policyname from pg_policies where schemaname = 'auth'")
    finally:
        await conn.close()
    return {
        "tables": {r[0] for r in tables},
        "functions": {r[0] for r in functions},
        "policies": {r[0] for r in policies},
    }


async def test_downgrade_to_base_and_upgrade_to_head_round_trips(app, auth_db, batchivo_infra) -> None:
    before = await _objects(auth_db.admin_url)
    assert {"users", "tenants", "memberships", "refresh_tokens", "api_keys", "outbox", "inbox"} <= before[
        "tables"
    ]

    alembic(ALEMBIC_INI, auth_db, batchivo_infra, "downgrade", "base")
    empty = await _objects(auth_db.admin_url)
    assert empty == {"tables": {"alembic_version"}, "functions": set(), "policies": set()}

    alembic(ALEMBIC_INI, auth_db, batchivo_infra, "upgrade", "head")
    assert await _objects(auth_db.admin_url) == before
    # Pooled connections of the app cached plans of the dropped tables; start them afresh.
    await app.state.engine.dispose()


async def test_the_models_match_the_migration(auth_db) -> None:
    assert await schema_drift(auth_db, metadata) == []
