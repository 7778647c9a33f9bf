"""The migration round-trips, and the ORM models describe exactly the schema it builds."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from batchivo_common.testing.migrations import schema_drift
from batchivo_common.testing.plugin import alembic
from batchivo_webhooks.db import metadata

pytestmark = pytest.mark.db

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
TABLES = {"alembic_version", "endpoints", "deliveries", "inbox"}


async def _objects(admin_url: str) -> dict[str, set[str]]:
    conn = await asyncpg.connect(admin_url)
    try:
        tables = await conn.fetch("select tablename from pg_tables where schemaname = 'webhooks'")
        policies = await conn.fetch("select policyname from pg_policies where schemaname = 'webhooks'")
    finally:
        await conn.close()
    return {"tables": {r[0] for r in tables}, "policies": {r[0] for r in policies}}


async def test_downgrade_to_base_and_upgrade_to_head_round_trips(app, webhooks_db, batchivo_infra) -> None:
    before = await _objects(webhooks_db.admin_url)
    assert before["tables"] == TABLES
    alembic(ALEMBIC_INI, webhooks_db, batchivo_infra, "downgrade", "base")
    assert (await _objects(webhooks_db.admin_url))["tables"] == {"alembic_version"}
    alembic(ALEMBIC_INI, webhooks_db, batchivo_infra, "upgrade", "head")
    assert await _objects(webhooks_db.admin_url) == before
    await app.state.engine.dispose()


async def test_the_models_match_the_migration(webhooks_db) -> None:
    assert await schema_drift(webhooks_db, metadata) == []
