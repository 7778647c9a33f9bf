"""API keys: shown once, stored as sha256 hex, exchanged by the gateway for a short-lived token,
revoked at once (row and the gateway's cache)."""

from __future__ import annotations

import hashlib
import re
import time
import uuid

import asyncpg
import httpx
import pytest
from batchivo_common.auth.tokens import Role

KEYS = "/api/v1/api-keys"
EXCHANGE = "/internal/api-keys/exchange"


async def _create(
    client: httpx.AsyncClient, account, role: str = "member", name: str = "ERP"
) -> httpx.Response:
    return await client.post(KEYS, json={"name": name, "role": role}, headers=account.headers)


async def test_a_new_key_is_shown_once_and_stored_only_as_its_hash(
    client: httpx.AsyncClient, api, auth_db
) -> None:
    owner = await api.register()
    response = await _create(client, owner)
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == {"id", "name", "role", "scopes", "prefix", "key", "created_at"}
    assert response.headers["location"] == f"{KEYS}/{created['id']}"
    assert re.fullmatch(r"bvk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}", created["key"])
    assert created["key"].startswith(f"bvk_{created['prefix']}_")
    assert (created["name"], created["role"]) == ("ERP", "member")

    listing = (await client.get(KEYS, headers=owner.headers)).json()
    assert listing["total"] == 1
    item = listing["items"][0]
    assert "key" not in item
    assert created["key"] not in str(listing)
    assert item["prefix"] == created["prefix"]
    assert item["created_by"] == str(owner.user_id)
    assert (await client.get(f"{KEYS}/{created['id']}", headers=owner.headers)).json() == item

    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        row = await conn.fetchrow("select * from auth.api_keys where id = $1", uuid.UUID(created["id"]))
    finally:
        await conn.close()
    assert row["key_hash"] == hashlib.sha256(created["key"].encode()).hexdigest()
    assert created["key"] not in {str(v) for v in row.values()}


async def test_the_gateway_exchanges_a_key_for_a_short_lived_token(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    created = (await _create(client, owner, role="admin")).json()

    response = await client.post(EXCHANGE, json={"key": created["key"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert (body["token_type"], body["expires_in"]) == ("bearer", 300)
    principal = await api.verify(body["access_token"])
    assert principal.user_id == owner.user_id
    assert principal.tenant_id == owner.tenant_id
    assert principal.role is Role.admin
    assert principal.api_key_id == uuid.UUID(created["id"])
    assert principal.api_key_name == created["name"]  # claim akn: what the key books is named after it
    assert 295 <= principal.expires_at - int(time.time()) <= 300

    item = (await client.get(f"{KEYS}/{created['id']}", headers=owner.headers)).json()
    assert item["last_used_at"] is not None
    # The exchange is not part of the public API.
    assert (await client.post(f"/api/v1{EXCHANGE}", json={"key": created["key"]})).status_code == 404


async def test_revoking_a_key_is_immediate(
    client: httpx.AsyncClient, api, auth_settings, redis_client
) -> None:
    owner = await api.register()
    created = (await _create(client, owner)).json()
    key_hash = hashlib.sha256(created["key"].encode()).hexdigest()
    cache_key = f"{auth_settings.redis_prefix}gateway:apikey:{key_hash}"
    await redis_client.set(cache_key, "cached exchange", ex=300)

    response = await client.delete(f"{KEYS}/{created['id']}", headers=owner.headers)
    assert response.status_code == 204
    assert response.content == b""
    assert await redis_client.exists(cache_key) == 0
    api.error(await client.post(EXCHANGE, json={"key": created["key"]}), 401, "UNAUTHENTICATED")
    item = (await client.get(f"{KEYS}/{created['id']}", headers=owner.headers)).json()
    assert item["revoked_at"] is not None
    assert (await client.delete(f"{KEYS}/{created['id']}", headers=owner.headers)).status_code == 204


@pytest.mark.parametrize(
    "key", ["", "nonsense", "bvk_ABCDEFGH_" + "x" * 43, "Bearer bvk_x", "bvk_" + "a" * 124]
)
async def test_unknown_or_malformed_keys_get_401(client: httpx.AsyncClient, api, key: str) -> None:
    response = await client.post(EXCHANGE, json={"key": key})
    if key == "":
        api.error(response, 422, "VALIDATION_ERROR")
    else:
        api.error(response, 401, "UNAUTHENTICATED")


async def test_exchange_with_a_bad_body_is_422(client: httpx.AsyncClient, api) -> None:
    api.error(await client.post(EXCHANGE, json={}), 422, "VALIDATION_ERROR")
    api.error(await client.post(EXCHANGE, json={"key": "k" * 129}), 422, "VALIDATION_ERROR")
    api.error(
        await client.post(EXCHANGE, content=b"{not json", headers={"content-type": "application/json"}), 422
    )


async def test_who_may_create_which_key(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    admin = await api.add_member(owner, await api.register(), "admin")
    member = await api.add_member(owner, await api.register(), "member")

    api.error(await _create(client, member, role="viewer"), 403, "FORBIDDEN")
    api.error(await client.get(KEYS, headers=member.headers), 403, "FORBIDDEN")
    api.error(await _create(client, admin, role="owner"), 403, "FORBIDDEN")
    assert (await _create(client, admin, role="admin")).status_code == 201
    owner_key = await _create(client, owner, role="owner")
    assert owner_key.status_code == 201
    # An admin cannot revoke a key that outranks them either.
    api.error(
        await client.delete(f"{KEYS}/{owner_key.json()['id']}", headers=admin.headers), 403, "FORBIDDEN"
    )


async def test_an_api_key_token_cannot_mint_credentials(client: httpx.AsyncClient, api) -> None:
    owner = await api.register(tenant_name="Home")
    elsewhere = await api.register(tenant_name="Elsewhere")
    await api.add_member(elsewhere, owner, "owner")
    created = (await _create(client, owner, role="owner")).json()
    token = (await client.post(EXCHANGE, json={"key": created["key"]})).json()["access_token"]
    headers = api.bearer(token)

    # No scope allows a change in the auth service (docs/api.md), even an owner key's.
    api.error(
        await client.post(KEYS, json={"name": "x", "role": "viewer"}, headers=headers),
        403,
        "INSUFFICIENT_SCOPE",
    )
    api.error(await client.delete(f"{KEYS}/{created['id']}", headers=headers), 403, "INSUFFICIENT_SCOPE")
    switch = await client.post(
        "/api/v1/auth/switch-tenant", json={"tenant_id": str(elsewhere.tenant_id)}, headers=headers
    )
    api.error(switch, 403, "INSUFFICIENT_SCOPE")
    stranger = await api.register()
    add = await client.post(
        "/api/v1/tenant/invitations", json={"email": stranger.email, "role": "viewer"}, headers=headers
    )
    api.error(add, 403, "INSUFFICIENT_SCOPE")
    api.error(await client.get("/api/v1/auth/invitations", headers=headers), 403, "FORBIDDEN")
    # Reading works, and /me shows only the key's tenant.
    assert (await client.get("/api/v1/tenant/members", headers=headers)).status_code == 200
    me = (await client.get("/api/v1/auth/me", headers=headers)).json()
    assert [m["tenant_name"] for m in me["memberships"]] == ["Home"]


async def test_other_tenants_keys_are_not_found(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    stranger = await api.register()
    theirs = (await _create(client, stranger)).json()
    api.error(await client.get(f"{KEYS}/{theirs['id']}", headers=owner.headers), 404, "NOT_FOUND")
    api.error(await client.delete(f"{KEYS}/{theirs['id']}", headers=owner.headers), 404, "NOT_FOUND")
    api.error(await client.delete(f"{KEYS}/not-a-uuid", headers=owner.headers), 422, "VALIDATION_ERROR")
    assert (await client.get(KEYS, headers=owner.headers)).json()["total"] == 0
    # Still valid for its own tenant.
    assert (await client.post(EXCHANGE, json={"key": theirs["key"]})).status_code == 200


async def test_bad_key_bodies_are_422(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    for body in (
        {"name": "", "role": "viewer"},
        {"name": "n" * 101, "role": "viewer"},
        {"name": "x", "role": "root"},
        {"name": "x", "role": "member", "scopes": ["admin"]},
        {"name": "x", "role": "member", "scopes": "read"},
        # A key never exceeds its role.
        {"name": "x", "role": "viewer", "scopes": ["read", "inventory:write"]},
        {"name": "x", "role": "member", "scopes": ["webhooks:write"]},
    ):
        api.error(await client.post(KEYS, json=body, headers=owner.headers), 422, "VALIDATION_ERROR")


async def _exchange(client: httpx.AsyncClient, key: str) -> httpx.Response:
    return await client.post(EXCHANGE, json={"key": key})


async def test_a_key_acts_with_at_most_its_creators_current_role(
    client: httpx.AsyncClient, api, auth_settings, redis_client
) -> None:
    owner = await api.register()
    admin = await api.add_member(owner, await api.register(), "admin")
    created = (await _create(client, admin, role="admin")).json()
    first = await _exchange(client, created["key"])
    assert (await api.verify(first.json()["access_token"])).role is Role.admin
    cache_key = (
        f"{auth_settings.redis_prefix}gateway:apikey:{hashlib.sha256(created['key'].encode()).hexdigest()}"
    )
    await redis_client.set(cache_key, "cached exchange", ex=300)

    demoted = await client.patch(
        f"/api/v1/tenant/members/{admin.user_id}", json={"role": "member"}, headers=owner.headers
    )
    assert demoted.status_code == 200, demoted.text
    assert await redis_client.exists(cache_key) == 0  # the gateway exchanges it again at once
    token = (await _exchange(client, created["key"])).json()["access_token"]
    assert (await api.verify(token)).role is Role.member
    # An admin-only call with the key's token is refused now.
    api.error(await client.get(KEYS, headers=api.bearer(token)), 403, "FORBIDDEN")
    # The key's own role still caps it when the creator is promoted above it.
    viewer_key = (await _create(client, owner, role="viewer")).json()
    token = (await _exchange(client, viewer_key["key"])).json()["access_token"]
    assert (await api.verify(token)).role is Role.viewer


async def test_a_key_stops_working_when_its_creator_leaves(
    client: httpx.AsyncClient, api, auth_settings, redis_client, auth_db
) -> None:
    owner = await api.register()
    admin = await api.add_member(owner, await api.register(), "admin")
    created = (await _create(client, admin, role="member")).json()
    assert (await _exchange(client, created["key"])).status_code == 200
    cache_key = (
        f"{auth_settings.redis_prefix}gateway:apikey:{hashlib.sha256(created['key'].encode()).hexdigest()}"
    )
    await redis_client.set(cache_key, "cached exchange", ex=300)

    removed = await client.delete(f"/api/v1/tenant/members/{admin.user_id}", headers=owner.headers)
    assert removed.status_code == 204
    assert await redis_client.exists(cache_key) == 0
    api.error(await _exchange(client, created["key"]), 401, "UNAUTHENTICATED")

    # A disabled creator's keys stop working too.
    other = (await _create(client, owner, role="member")).json()
    assert (await _exchange(client, other["key"])).status_code == 200
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        await conn.execute("update auth.users set is_active = false where id = $1", owner.user_id)
    finally:
        await conn.close()
    api.error(await _exchange(client, other["key"]), 401, "UNAUTHENTICATED")


async def test_scopes_default_to_what_the_role_allows_and_read_is_always_in(
    client: httpx.AsyncClient, api, auth_db
) -> None:
    owner = await api.register()
    writes = ["inventory:write", "catalog:write", "production:write"]
    cases = [
        ({"role": "viewer"}, ["read"]),
        ({"role": "member"}, ["read", *writes]),
        ({"role": "admin"}, ["read", *writes, "webhooks:write"]),
        ({"role": "member", "scopes": None}, ["read", *writes]),
        ({"role": "member", "scopes": []}, ["read"]),
        (
            {"role": "member", "scopes": ["catalog:write", "inventory:write", "catalog:write"]},
            ["read", "inventory:write", "catalog:write"],
        ),
        ({"role": "admin", "scopes": ["webhooks:write", "read"]}, ["read", "webhooks:write"]),
    ]
    for body, expected in cases:
        response = await client.post(KEYS, json={"name": "k", **body}, headers=owner.headers)
        assert response.status_code == 201, (body, response.text)
        created = response.json()
        assert created["scopes"] == expected, body
        read = (await client.get(f"{KEYS}/{created['id']}", headers=owner.headers)).json()
        assert read["scopes"] == expected
        token = (await _exchange(client, created["key"])).json()["access_token"]
        assert (await api.verify(token)).scopes == frozenset(expected)
    # A person's token carries no scopes: only the role limits it.
    assert owner.principal.scopes is None
    # The database refuses a key without read or with an unknown scope, whoever writes it.
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        for bad in (["inventory:write"], ["read", "everything"]):
            with pytest.raises(asyncpg.CheckViolationError):
                await conn.execute("update auth.api_keys set scopes = $1", bad)
    finally:
        await conn.close()


async def test_an_exchanged_token_never_holds_more_than_the_current_role_allows(
    client: httpx.AsyncClient, api
) -> None:
    owner = await api.register()
    admin = await api.add_member(owner, await api.register(), "admin")
    created = (await _create(client, admin, role="admin")).json()
    assert "webhooks:write" in created["scopes"]
    demoted = await client.patch(
        f"/api/v1/tenant/members/{admin.user_id}", json={"role": "viewer"}, headers=owner.headers
    )
    assert demoted.status_code == 200, demoted.text
    token = (await _exchange(client, created["key"])).json()["access_token"]
    principal = await api.verify(token)
    assert (principal.role, principal.scopes) == (Role.viewer, frozenset({"read"}))
