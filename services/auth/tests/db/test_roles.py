"""Guards on the schema and roles: RLS enabled and forced, the app role harmless, the lookup role narrow."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from batchivo_common.db.tenancy import UnsafeDatabaseRole, check_app_role
from sqlalchemy.ext.asyncio import create_async_engine

LOOKUP_FUNCTIONS = {
    "find_login",
    "user_memberships",
    "refresh_token_tenant",
    "api_key_tenant",
    "pending_invitations",
    "invitation_tenant",
    "invitation_token_tenant",
}
#: Tables deliberately without a tenant policy (docs/adr/0001-rls-roles.md): global people, Alembic's own.
GLOBAL_TABLES = {"users", "alembic_version"}


@pytest.fixture
async def admin(auth_db) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        yield conn
    finally:
        await conn.close()


async def test_every_tenant_table_has_rls_enabled_and_forced(admin) -> None:
    tables = await admin.fetch(
        """
        select c.relname, c.relrowsecurity, c.relforcerowsecurity,
               exists (select 1 from information_schema.columns i
                       where i.table_schema = 'auth' and i.table_name = c.relname
                         and i.column_name = 'tenant_id') as has_tenant,
               array(select polname from pg_policy p where p.polrelid = c.oid) as policies
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'auth' and c.relkind in ('r', 'p')
        """
    )
    by_name = {t["relname"]: t for t in tables}
    tenant_tables = {name for name, t in by_name.items() if t["has_tenant"]} | {"tenants"}
    assert tenant_tables == {
        "tenants",
        "memberships",
        "refresh_tokens",
        "api_keys",
        "invitations",
        "outbox",
        "inbox",
    }
    for name in tenant_tables:
        table = by_name[name]
        assert table["relrowsecurity"], name
        assert table["relforcerowsecurity"], name
        assert table["policies"], name
    assert set(by_name) - tenant_tables == GLOBAL_TABLES


async def test_the_app_role_is_harmless_and_the_owner_is_refused(auth_db, admin) -> None:
    role = await admin.fetchrow("select * from pg_roles where rolname = $1", auth_db.roles.app)
    assert not role["rolsuper"]
    assert not role["rolbypassrls"]
    assert not role["rolcreaterole"]
    engine = create_async_engine(auth_db.app_url)
    owner_engine = create_async_engine(auth_db.owner_url)
    try:
        facts = await check_app_role(engine)
        assert facts["owned_relations"] == 0
        with pytest.raises(UnsafeDatabaseRole):
            await check_app_role(owner_engine)
    finally:
        await engine.dispose()
        await owner_engine.dispose()
    owned_functions = await admin.fetchval(
        "select count(*) from pg_proc where proowner = (select oid from pg_roles where rolname = $1)",
        auth_db.roles.app,
    )
    assert owned_functions == 0


async def test_no_service_role_bypasses_rls(auth_db, admin) -> None:
    names = [*auth_db.roles.all, *auth_db.roles.nologin]
    rows = await admin.fetch(
        "select rolname, rolsuper, rolbypassrls from pg_roles where rolname = any($1)", names
    )
    assert len(rows) == len(names)
    assert not any(r["rolsuper"] or r["rolbypassrls"] for r in rows)


async def test_the_lookup_role_is_narrow(auth_db, admin) -> None:
    lookup = auth_db.roles.nologin_role("lookup")
    role = await admin.fetchrow("select * from pg_roles where rolname = $1", lookup)
    assert not role["rolcanlogin"]
    assert not role["rolsuper"]
    assert not role["rolbypassrls"]

    functions = await admin.fetch(
        """
        select p.proname, p.prosecdef, p.proconfig, pg_get_userbyid(p.proowner) as owner,
               has_function_privilege($1, p.oid, 'EXECUTE') as app_may,
               has_function_privilege($2, p.oid, 'EXECUTE') as relay_may,
               coalesce(array_to_string(p.proacl, ','), '') as acl
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'auth'
        """,
        auth_db.roles.app,
        auth_db.roles.relay,
    )
    assert {f["proname"] for f in functions} == LOOKUP_FUNCTIONS
    for f in functions:
        assert f["prosecdef"], f["proname"]
        assert f["owner"] == lookup, f["proname"]
        assert "search_path=pg_catalog, pg_temp" in f["proconfig"], f["proname"]
        assert f["app_may"], f["proname"]
        assert not f["relay_may"], f["proname"]
        assert not any(entry.startswith("=") for entry in f["acl"].split(",")), (
            f"PUBLIC may run {f['proname']}"
        )

    # What the lookup role can touch: SELECT on a few columns, through SELECT-only policies; nothing else.
    policies = await admin.fetch(
        "select polname, polcmd::text as polcmd from pg_policy where $1::regrole::oid = any(polroles)", lookup
    )
    assert policies
    assert all(p["polcmd"] == "r" for p in policies)
    table_privileges = await admin.fetchval(
        "select count(*) from information_schema.role_table_grants where grantee = $1", lookup
    )
    assert table_privileges == 0  # column grants only
    column_privileges = await admin.fetch(
        "select distinct privilege_type from information_schema.column_privileges where grantee = $1", lookup
    )
    assert {p["privilege_type"] for p in column_privileges} == {"SELECT"}
    assert not await admin.fetchval("select has_schema_privilege($1, 'auth', 'CREATE')", lookup)
