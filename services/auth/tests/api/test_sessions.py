"""Refresh rotation and theft detection, logout (deny-list), switching tenant, JWKS."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import httpx
from batchivo_auth.main import create_app
from batchivo_common.auth.tokens import Role, SigningKey, StaticKeySource, TokenIssuer, TokenVerifier
from batchivo_common.testing.asgi_server import serve


async def _refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


async def test_refresh_rotates_the_refresh_token(client: httpx.AsyncClient, api) -> None:
    account = await api.register()
    response = await _refresh(client, account.refresh_token)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["refresh_token"] != account.refresh_token
    principal = await api.verify(body["access_token"])
    assert (principal.user_id, principal.tenant_id, principal.role) == (
        account.user_id,
        account.tenant_id,
        Role.owner,
    )
    assert (await _refresh(client, body["refresh_token"])).status_code == 200


async def test_reusing_a_rotated_refresh_token_after_the_grace_window_revokes_the_whole_session(
    client: httpx.AsyncClient, api, refresh_rows, auth_settings
) -> None:
    account = await api.register()
    newer = (await _refresh(client, account.refresh_token)).json()["refresh_token"]
    await refresh_rows.age_rotations(auth_settings.refresh_reuse_grace_seconds)

    api.error(await _refresh(client, account.refresh_token), 401, "UNAUTHENTICATED")
    # The thief's (or the victim's) newer token died with the family.
    api.error(await _refresh(client, newer), 401, "UNAUTHENTICATED")
    # Another session of the same person is untouched.
    other_session = (await api.login(account.email)).json()["refresh_token"]
    assert (await _refresh(client, other_session)).status_code == 200


async def test_reuse_within_the_grace_window_is_honoured_and_the_family_still_works(
    client: httpx.AsyncClient, api, refresh_rows
) -> None:
    account = await api.register()
    first = await _refresh(client, account.refresh_token)
    # A second tab presents the same token a moment later: a fresh pair of the same session, no revocation.
    again = await _refresh(client, account.refresh_token)
    assert again.status_code == 200, again.text
    sibling = again.json()["refresh_token"]
    assert sibling not in (account.refresh_token, first.json()["refresh_token"])
    assert (await api.verify(again.json()["access_token"])).user_id == account.user_id
    rows = await refresh_rows.of_user(account.user_id)
    assert len({r["family_id"] for r in rows}) == 1
    assert all(r["revoked_at"] is None for r in rows)
    # Either answer may be the cookie the browser kept: both go on rotating.
    assert (await _refresh(client, sibling)).status_code == 200


async def test_the_next_rotation_retires_the_siblings_of_the_window(
    client: httpx.AsyncClient, api, refresh_rows, auth_settings
) -> None:
    account = await api.register()
    first = (await _refresh(client, account.refresh_token)).json()["refresh_token"]
    sibling = (await _refresh(client, account.refresh_token)).json()["refresh_token"]
    await refresh_rows.age_rotations(auth_settings.refresh_reuse_grace_seconds)
    # The sibling's rotation retires `first` (an answer the browser dropped) in the same moment...
    newest = (await _refresh(client, sibling)).json()["refresh_token"]
    rows = await refresh_rows.of_user(account.user_id)
    assert sum(r["used_at"] is None for r in rows) == 1  # only `newest` is still unused
    # ...so once the window has passed, presenting `first` is reuse and ends the session.
    await refresh_rows.age_rotations(auth_settings.refresh_reuse_grace_seconds)
    api.error(await _refresh(client, first), 401, "UNAUTHENTICATED")
    api.error(await _refresh(client, newest), 401, "UNAUTHENTICATED")
    assert all(r["revoked_at"] is not None for r in await refresh_rows.of_user(account.user_id))


async def test_within_the_window_only_the_latest_rotation_is_honoured(
    client: httpx.AsyncClient, api, refresh_rows
) -> None:
    account = await api.register()
    second = (await _refresh(client, account.refresh_token)).json()["refresh_token"]
    third = (await _refresh(client, second)).json()["refresh_token"]
    # The first token's rotation is no longer the family's latest: reuse, even seconds later.
    api.error(await _refresh(client, account.refresh_token), 401, "UNAUTHENTICATED")
    api.error(await _refresh(client, third), 401, "UNAUTHENTICATED")
    assert all(r["revoked_at"] is not None for r in await refresh_rows.of_user(account.user_id))


async def test_concurrent_refreshes_with_one_token_over_real_http_all_succeed(
    auth_settings, refresh_rows, api
) -> None:
    # A separate app served by uvicorn, so the three requests really run at once (three connections).
    with serve(create_app(auth_settings, configure_process=False)) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            registered = await http.post(
                "/api/v1/auth/register",
                json={
                    "email": f"tabs-{uuid.uuid4().hex[:8]}@example.com",
                    "password": api.password,
                    "full_name": "Tab Opener",
                    "tenant_name": "Three Tabs",
                },
            )
            assert registered.status_code == 201, registered.text
            token = registered.json()["refresh_token"]
            responses = await asyncio.gather(*(_refresh(http, token) for _ in range(3)))
            assert [r.status_code for r in responses] == [200, 200, 200], [r.text for r in responses]
            user_id = (await api.verify(registered.json()["access_token"])).user_id
            rows = await refresh_rows.of_user(user_id)
            assert len(rows) == 4 and len({r["family_id"] for r in rows}) == 1
            assert all(r["revoked_at"] is None for r in rows)
            for response in responses:
                assert (await _refresh(http, response.json()["refresh_token"])).status_code == 200


async def test_refresh_with_an_unknown_or_malformed_token_is_401_or_422(
    client: httpx.AsyncClient, api
) -> None:
    api.error(await _refresh(client, "not-a-token"), 401, "UNAUTHENTICATED")
    api.error(await _refresh(client, "x" * 129), 422, "VALIDATION_ERROR")
    api.error(await client.post("/api/v1/auth/refresh", json={"refresh_token": 42}), 422, "VALIDATION_ERROR")


async def test_an_expired_refresh_token_is_refused(client: httpx.AsyncClient, api, auth_db) -> None:
    account = await api.register()
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        await conn.execute("update auth.refresh_tokens set expires_at = now() - interval '1 second'")
    finally:
        await conn.close()
    api.error(await _refresh(client, account.refresh_token), 401, "UNAUTHENTICATED")


async def test_refresh_picks_up_the_current_role_and_ends_when_the_membership_does(
    client: httpx.AsyncClient, api
) -> None:
    owner = await api.register()
    member = await api.add_member(owner, await api.register(), "member")

    await client.patch(
        f"/api/v1/tenant/members/{member.user_id}", json={"role": "admin"}, headers=owner.headers
    )
    promoted = await _refresh(client, member.refresh_token)
    assert (await api.verify(promoted.json()["access_token"])).role is Role.admin

    await client.delete(f"/api/v1/tenant/members/{member.user_id}", headers=owner.headers)
    api.error(await _refresh(client, promoted.json()["refresh_token"]), 401, "UNAUTHENTICATED")


async def test_logout_revokes_the_session_and_deny_lists_the_access_token(
    client: httpx.AsyncClient, api, auth_settings, redis_client
) -> None:
    account = await api.register()
    channel = f"{auth_settings.redis_prefix}auth:denied"
    async with redis_client.pubsub() as gateway_side:
        await gateway_side.subscribe(channel)
        assert (await gateway_side.get_message(timeout=5))["type"] == "subscribe"
        response = await client.post(
            "/api/v1/auth/logout", json={"refresh_token": account.refresh_token}, headers=account.headers
        )
        assert response.status_code == 204, response.text
        assert response.content == b""
        # The gateways hear of it (they keep the deny-list in memory, ADR 0027).
        announced = await gateway_side.get_message(ignore_subscribe_messages=True, timeout=5)

    key = f"{auth_settings.redis_prefix}auth:deny:{account.principal.jti}"
    assert await redis_client.get(key) == "1"
    ttl = await redis_client.ttl(key)
    expected = account.principal.expires_at - int(time.time())
    assert 0 < ttl <= 15 * 60
    assert abs(ttl - expected) <= 2
    assert announced is not None and announced["channel"] == channel
    jti, announced_ttl = announced["data"].split(" ")
    assert jti == account.principal.jti
    assert abs(int(announced_ttl) - ttl) <= 1

    api.error(await client.get("/api/v1/auth/me", headers=account.headers), 401, "UNAUTHENTICATED")
    api.error(await _refresh(client, account.refresh_token), 401, "UNAUTHENTICATED")


async def test_logout_needs_a_bearer_token(client: httpx.AsyncClient, api) -> None:
    account = await api.register()
    response = await client.post("/api/v1/auth/logout", json={"refresh_token": account.refresh_token})
    api.error(response, 401, "UNAUTHENTICATED")
    assert (await _refresh(client, account.refresh_token)).status_code == 200


async def test_logout_does_not_end_somebody_elses_session(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    member = await api.add_member(owner, await api.register(), "member")
    response = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": owner.refresh_token}, headers=member.headers
    )
    assert response.status_code == 204
    assert (await _refresh(client, owner.refresh_token)).status_code == 200


async def test_switch_tenant_issues_a_pair_for_a_tenant_you_belong_to(client: httpx.AsyncClient, api) -> None:
    person = await api.register(tenant_name="Home")
    other = await api.register(tenant_name="Away")
    await api.add_member(other, person, "viewer")

    response = await client.post(
        "/api/v1/auth/switch-tenant", json={"tenant_id": str(other.tenant_id)}, headers=person.headers
    )
    assert response.status_code == 200, response.text
    principal = await api.verify(response.json()["access_token"])
    assert (principal.user_id, principal.tenant_id, principal.role) == (
        person.user_id,
        other.tenant_id,
        Role.viewer,
    )
    me = (await client.get("/api/v1/auth/me", headers=api.bearer(response.json()["access_token"]))).json()
    assert me["tenant"]["name"] == "Away"
    assert me["role"] == "viewer"
    assert {m["tenant_name"]: m["role"] for m in me["memberships"]} == {"Home": "owner", "Away": "viewer"}
    # The new refresh token belongs to the new tenant.
    refreshed = await _refresh(client, response.json()["refresh_token"])
    assert (await api.verify(refreshed.json()["access_token"])).tenant_id == other.tenant_id


async def test_switch_to_a_tenant_you_do_not_belong_to_is_404(client: httpx.AsyncClient, api) -> None:
    person = await api.register()
    stranger = await api.register()
    for tenant_id in (str(stranger.tenant_id), str(uuid.uuid4())):
        response = await client.post(
            "/api/v1/auth/switch-tenant", json={"tenant_id": tenant_id}, headers=person.headers
        )
        api.error(response, 404, "NOT_FOUND")
    response = await client.post(
        "/api/v1/auth/switch-tenant", json={"tenant_id": "nope"}, headers=person.headers
    )
    api.error(response, 422, "VALIDATION_ERROR")


async def test_jwks_publishes_the_public_key_that_verifies_access_tokens(
    client: httpx.AsyncClient, api
) -> None:
    account = await api.register()
    response = await client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    keys = response.json()["keys"]
    assert all("d" not in k for k in keys)  # public parts only
    from batchivo_common.auth.tokens import keys_from_jwks

    verifier = TokenVerifier(StaticKeySource(keys_from_jwks({"keys": keys})), "batchivo-auth", "batchivo")
    assert (await verifier.verify(account.access_token)).user_id == account.user_id


async def test_a_token_from_another_key_is_refused(client: httpx.AsyncClient, api) -> None:
    account = await api.register()
    forged, _ = TokenIssuer(SigningKey.generate(), "batchivo-auth", "batchivo").issue(
        account.user_id, account.tenant_id, Role.owner
    )
    api.error(await client.get("/api/v1/auth/me", headers=api.bearer(forged)), 401, "UNAUTHENTICATED")
    api.error(await client.get("/api/v1/auth/me", headers=api.bearer("garbage")), 401, "UNAUTHENTICATED")
    api.error(await client.get("/api/v1/auth/me"), 401, "UNAUTHENTICATED")
