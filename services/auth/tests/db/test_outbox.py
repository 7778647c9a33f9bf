"""``auth.tenant.created.v1`` is written to the outbox in the registration's own transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from batchivo_common.messaging.envelope import EventEnvelope


@pytest.fixture
async def admin(auth_db) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        yield conn
    finally:
        await conn.close()


async def test_registration_commits_the_event_with_the_user_and_tenant(api, admin) -> None:
    account = await api.register(tenant_name="Filament Friends", currency_code="EUR")
    rows = await admin.fetch("select *, xmin::text as tx from auth.outbox")
    assert len(rows) == 1
    row = rows[0]
    assert (row["event_type"], row["routing_key"]) == ("auth.tenant.created.v1", "auth.tenant.created.v1")
    assert row["tenant_id"] == account.tenant_id
    assert row["published_at"] is None
    envelope = EventEnvelope.model_validate_json(row["envelope"])
    assert envelope.producer == "auth"
    assert envelope.tenant_id == account.tenant_id
    assert envelope.aggregate_id == account.tenant_id
    assert envelope.data == {"name": "Filament Friends", "slug": "filament-friends", "currency_code": "EUR"}

    # One transaction wrote them: the same transaction id created the user, the membership and the event.
    # (The tenant row is inserted in a savepoint of that transaction, to retry a taken slug, so its xmin is
    # the savepoint's sub-transaction id.)
    user_tx = await admin.fetchval("select xmin::text from auth.users where id = $1", account.user_id)
    membership_tx = await admin.fetchval(
        "select xmin::text from auth.memberships where user_id = $1", account.user_id
    )
    assert row["tx"] == user_tx == membership_tx


async def test_a_failed_registration_leaves_no_event_and_no_tenant(
    client: httpx.AsyncClient, api, admin
) -> None:
    account = await api.register(tenant_name="First")
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": account.email,
            "password": api.password,
            "full_name": "Again",
            "tenant_name": "Second",
        },
    )
    assert response.status_code == 409
    assert await admin.fetchval("select count(*) from auth.outbox") == 1
    assert await admin.fetchval("select count(*) from auth.tenants") == 1
