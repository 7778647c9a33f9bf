"""RLS guard over every service schema: each is migrated to head here, then its catalogue is checked.

Adding a service (a ``services/<name>/alembic.ini``) puts it under this guard with no change here.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest
from batchivo_common.db.engine import create_engine
from batchivo_common.db.tenancy import check_app_role
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra, prepare_service_database

pytestmark = pytest.mark.db

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/alembic.ini"))

#: Tables deliberately outside tenant RLS, each with the reason (and the ADR that records it).
NOT_TENANT_TABLES = {
    "alembic_version": "migration bookkeeping",
    "users": "people exist across tenants; login looks them up before a tenant is known (ADR 0002)",
}


@pytest.fixture(scope="module")
def databases(batchivo_infra: TestInfra) -> dict[str, ServiceDatabase]:
    return {
        name: prepare_service_database(batchivo_infra, name, ROOT / "services" / name / "alembic.ini")
        for name in SERVICES
    }


def test_there_are_services_to_guard() -> None:
    assert "auth" in SERVICES


async def test_every_table_is_under_forced_rls_or_deliberately_global(
    databases: dict[str, ServiceDatabase],
) -> None:
    for name, db in databases.items():
        conn = await asyncpg.connect(db.admin_url)
        try:
            rows = await conn.fetch(
                "select c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                " exists (select 1 from pg_attribute a where a.attrelid = c.oid"
                "   and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant,"
                " (select count(*) from pg_policy p where p.polrelid = c.oid) as policies"
                " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname = $1 and c.relkind in ('r', 'p')",
                name,
            )
        finally:
            await conn.close()
        assert rows, f"{name} has no tables"
        for row in rows:
            table = f"{name}.{row['relname']}"
            if row["relname"] in NOT_TENANT_TABLES and not row["has_tenant"]:
                continue
            assert row["relrowsecurity"], f"{table}: row-level security is not enabled"
            assert row["relforcerowsecurity"], f"{table}: row-level security is not forced"
            assert row["policies"] >= 1, f"{table}: no policy (RLS would hide every row)"


async def test_app_and_relay_roles_cannot_bypass_rls(databases: dict[str, ServiceDatabase]) -> None:
    for db in databases.values():
        conn = await asyncpg.connect(db.admin_url)
        try:
            for role in (db.roles.app, db.roles.relay):
                row = await conn.fetchrow(
                    "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,"
                    " (select count(*) from pg_class c where c.relowner = r.oid) as owned"
                    " from pg_roles r where rolname = $1",
                    role,
                )
                assert row is not None, role
                assert not row["rolsuper"], f"{role} is a superuser"
                assert not row["rolbypassrls"], f"{role} has BYPASSRLS"
                assert not row["rolcreaterole"], f"{role} can create roles"
                assert not row["rolcreatedb"], f"{role} can create databases"
                assert row["owned"] == 0, f"{role} owns {row['owned']} relations"
        finally:
            await conn.close()
        engine = create_engine(db.app_url, application_name="rls-guard")
        try:
            facts = await check_app_role(engine)  # the same check every API runs at start-up
        finally:
            await engine.dispose()
        assert facts["owned_relations"] == 0
