"""Row-level security as the app role, in raw SQL: a tenant sees and writes only its own rows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest

TENANT_COLUMN = {
    "tenants": "id",
    "memberships": "tenant_id",
    "refresh_tokens": "tenant_id",
    "api_keys": "tenant_id",
    "invitations": "tenant_id",
}


def _dsn(sqlalchemy_url: str) -> str:
    return sqlalchemy_url.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture
async def two_tenants(client: httpx.AsyncClient, api) -> tuple:
    """Tenants A and B with members, sessions, API keys and outbox rows, written through the API."""
    a = await api.register(tenant_name="Tenant A")
    b = await api.register(tenant_name="Tenant B")
    for account in (a, b):
        response = await client.post(
            "/api/v1/api-keys", json={"name": "k", "role": "viewer"}, headers=account.headers
        )
        assert response.status_code == 201
        invited = await client.post(
            "/api/v1/tenant/invitations",
            json={"email": "shared@example.com", "role": "viewer"},
            headers=account.headers,
        )
        assert invited.status_code == 201
    return a, b


@pytest.fixture
async def as_app(auth_db) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(_dsn(auth_db.app_url))
    try:
        yield conn
    finally:
        await conn.close()


@pytest.fixture
async def as_admin(auth_db) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        yield conn
    finally:
        await conn.close()


async def _as_tenant(conn: asyncpg.Connection, tenant_id: uuid.UUID | None) -> None:
    await conn.execute("select set_config('app.tenant_id', $1, true)", str(tenant_id) if tenant_id else "")


async def test_the_app_role_sees_only_the_bound_tenants_rows(two_tenants, as_app, as_admin) -> None:
    a, b = two_tenants
    for table, column in TENANT_COLUMN.items():
        assert (
            await as_admin.fetchval(f"select count(*) from auth.{table} where {column} = $1", b.tenant_id) > 0
        )
        async with as_app.transaction():
            await _as_tenant(as_app, a.tenant_id)
            owners = await as_app.fetch(f"select {column} from auth.{table}")
        assert owners, table
        assert {r[0] for r in owners} == {a.tenant_id}, table


async def test_with_no_tenant_bound_the_app_role_sees_nothing(two_tenants, as_app) -> None:
    for table in (*TENANT_COLUMN, "inbox"):
        assert await as_app.fetchval(f"select count(*) from auth.{table}") == 0, table
        async with as_app.transaction():
            await _as_tenant(as_app, None)
            assert await as_app.fetchval(f"select count(*) from auth.{table}") == 0, table


async def test_the_app_role_cannot_write_another_tenants_rows(two_tenants, as_app) -> None:
    a, b = two_tenants
    stranger = uuid.uuid4()
    writes = [
        (
            "insert into auth.memberships (id, tenant_id, user_id, role) values ($1, $2, $3, 'owner')",
            (uuid.uuid4(), b.tenant_id, a.user_id),
        ),
        (
            "insert into auth.tenants (id, name, slug, currency_code) values ($1, 'X', $2, 'GBP')",
            (stranger, f"x-{stranger.hex[:8]}"),
        ),
        (
            "insert into auth.api_keys (id, tenant_id, name, role, key_hash, prefix, created_by)"
            " values ($1, $2, 'k', 'owner', $3, 'abcdefgh', $4)",
            (uuid.uuid4(), b.tenant_id, "0" * 64, a.user_id),
        ),
        (
            "insert into auth.outbox (event_id, tenant_id, event_type, routing_key, envelope)"
            " values ($1, $2, 'auth.tenant.created.v1', 'auth.tenant.created.v1', '{}')",
            (uuid.uuid4(), b.tenant_id),
        ),
        # Moving one of A's rows over to B is refused too (WITH CHECK).
        ("update auth.memberships set tenant_id = $1 where user_id = $2", (b.tenant_id, a.user_id)),
    ]
    for sql, args in writes:
        async with as_app.transaction():
            await _as_tenant(as_app, a.tenant_id)
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
                await as_app.execute(sql, *args)
    async with as_app.transaction():
        await _as_tenant(as_app, a.tenant_id)
        assert (
            await as_app.execute(
                "update auth.memberships set role = 'viewer' where tenant_id = $1", b.tenant_id
            )
            == "UPDATE 0"
        )
        assert (
            await as_app.execute("delete from auth.memberships where tenant_id = $1", b.tenant_id)
            == "DELETE 0"
        )


async def test_the_app_role_never_reads_a_password_hash_or_the_outbox(two_tenants, as_app) -> None:
    a, _ = two_tenants
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.fetch("select password_hash from auth.users")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.fetch("select * from auth.users")
    assert await as_app.fetchval("select email from auth.users where id = $1", a.user_id) == a.email
    async with as_app.transaction():
        await _as_tenant(as_app, a.tenant_id)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await as_app.fetch("select * from auth.outbox")


async def test_the_lookup_functions_answer_only_what_they_must(two_tenants, as_app, auth_db) -> None:
    a, b = two_tenants
    row = await as_app.fetchrow("select * from auth.find_login($1)", a.email.upper())
    assert set(row.keys()) == {"user_id", "password_hash", "is_active"}
    assert row["user_id"] == a.user_id
    assert row["password_hash"].startswith("$2b$")
    assert await as_app.fetchrow("select * from auth.find_login('nobody@example.com')") is None
    memberships = await as_app.fetch("select * from auth.user_memberships($1)", b.user_id)
    assert [(m["tenant_id"], m["role"]) for m in memberships] == [(b.tenant_id, "owner")]
    assert await as_app.fetchval("select auth.refresh_token_tenant($1)", "0" * 64) is None
    # The lookup role cannot be assumed, and no other role may call the functions.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_app.execute(f"set role {auth_db.roles.nologin_role('lookup')}")
    relay = await asyncpg.connect(_dsn(auth_db.relay_url))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await relay.fetch("select * from auth.find_login($1)", a.email)
    finally:
        await relay.close()


async def test_the_invitee_lookups_answer_only_for_the_addressed_email(two_tenants, as_app) -> None:
    a, b = two_tenants
    pending = await as_app.fetch("select * from auth.pending_invitations('shared@example.com')")
    assert {p["tenant_id"] for p in pending} == {a.tenant_id, b.tenant_id}
    assert set(pending[0].keys()) == {"id", "tenant_id", "tenant_name", "role", "expires_at", "created_at"}
    assert await as_app.fetch("select * from auth.pending_invitations($1)", a.email) == []
    some_id = pending[0]["id"]
    assert await as_app.fetchval("select auth.invitation_tenant($1, 'shared@example.com')", some_id) in {
        a.tenant_id,
        b.tenant_id,
    }
    assert await as_app.fetchval("select auth.invitation_tenant($1, $2)", some_id, a.email) is None
    assert await as_app.fetchval("select auth.invitation_token_tenant($1)", "0" * 64) is None
    # Answered invitations stay: the app role may not delete them.
    async with as_app.transaction():
        await _as_tenant(as_app, a.tenant_id)
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await as_app.execute("delete from auth.invitations")
