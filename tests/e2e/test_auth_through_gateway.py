"""Auth flows end to end: client → gateway (JWT via JWKS over HTTP, Redis deny-list and limits) → auth."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from batchivo_common.auth.tokens import Role, SigningKey, TokenIssuer
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import JWT_AUDIENCE, JWT_ISSUER, ServiceDatabase

PASSWORD = "correct horse battery staple"

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]


async def register(
    gateway: httpx.AsyncClient, email: str | None = None, shop: str = "Layer Lab"
) -> dict[str, Any]:
    body = {
        "email": email or f"owner-{uuid.uuid4().hex[:8]}@example.com",
        "password": PASSWORD,
        "full_name": "Olive Owner",
        "tenant_name": shop,
    }
    response = await gateway.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    tokens: dict[str, Any] = response.json()
    assert set(tokens) >= {"access_token", "refresh_token", "token_type", "expires_in"}
    assert tokens["token_type"] == "bearer"
    return {**tokens, "email": body["email"]}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_register_login_me_through_the_gateway(gateway: httpx.AsyncClient) -> None:
    account = await register(gateway, email="Mixed.Case@Example.com")
    me = await gateway.get("/api/v1/auth/me", headers=bearer(account["access_token"]))
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["user"]["email"] == "mixed.case@example.com"
    assert body["role"] == "owner"
    assert body["tenant"]["name"] == "Layer Lab"
    assert body["tenant"]["currency_code"] == "GBP"
    assert body["memberships"] == [
        {"tenant_id": body["tenant"]["id"], "tenant_name": "Layer Lab", "role": "owner"}
    ]
    assert me.headers["x-request-id"]

    login = await gateway.post(
        "/api/v1/auth/login", json={"email": "MIXED.case@example.com", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    assert (
        await gateway.get("/api/v1/auth/me", headers=bearer(login.json()["access_token"]))
    ).status_code == 200


async def test_wrong_email_and_wrong_password_look_the_same(gateway: httpx.AsyncClient) -> None:
    account = await register(gateway)
    wrong_password = await gateway.post(
        "/api/v1/auth/login", json={"email": account["email"], "password": "nope-nope-nope"}
    )
    wrong_email = await gateway.post(
        "/api/v1/auth/login", json={"email": "ghost@example.com", "password": PASSWORD}
    )
    body_a, body_b = (
        assert_error(wrong_password, 401, "UNAUTHENTICATED"),
        assert_error(wrong_email, 401, "UNAUTHENTICATED"),
    )
    assert body_a == body_b


async def test_refresh_rotates_and_reuse_revokes_the_family(
    gateway: httpx.AsyncClient, auth_db: ServiceDatabase
) -> None:
    account = await register(gateway)
    first = account["refresh_token"]
    rotated = await gateway.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()["refresh_token"]
    assert second != first
    assert (
        await gateway.get("/api/v1/auth/me", headers=bearer(rotated.json()["access_token"]))
    ).status_code == 200

    # The old token again once the grace window (tabs refreshing together) has passed: theft is assumed,
    # the whole family goes.
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        await conn.execute(
            "update auth.refresh_tokens set used_at = used_at - interval '1 hour' where used_at is not null"
        )
    finally:
        await conn.close()
    assert_error(
        await gateway.post("/api/v1/auth/refresh", json={"refresh_token": first}), 401, "UNAUTHENTICATED"
    )
    assert_error(
        await gateway.post("/api/v1/auth/refresh", json={"refresh_token": second}), 401, "UNAUTHENTICATED"
    )


async def test_logout_rejects_the_access_token_at_once(gateway: httpx.AsyncClient) -> None:
    account = await register(gateway)
    headers = bearer(account["access_token"])
    assert (await gateway.get("/api/v1/auth/me", headers=headers)).status_code == 200
    logout = await gateway.post(
        "/api/v1/auth/logout", json={"refresh_token": account["refresh_token"]}, headers=headers
    )
    assert logout.status_code in (200, 204), logout.text
    assert_error(await gateway.get("/api/v1/auth/me", headers=headers), 401, "UNAUTHENTICATED")
    refresh = await gateway.post("/api/v1/auth/refresh", json={"refresh_token": account["refresh_token"]})
    assert_error(refresh, 401, "UNAUTHENTICATED")


async def test_forged_tokens_are_refused_in_the_error_format(
    gateway: httpx.AsyncClient, gateway_url: str
) -> None:
    account = await register(gateway)
    token = account["access_token"]
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))

    tampered = f"{head}.{_b64({**claims, 'role': 'owner', 'tid': str(uuid.uuid4())})}.{signature}"
    alg_none = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    # HS256 with auth's public key as the HMAC secret: the classic algorithm-confusion attack.
    jwks = (await gateway.get("/.well-known/jwks.json")).json()
    kid = json.loads(base64.urlsafe_b64decode(head + "=="))["kid"]
    jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    public_raw = base64.urlsafe_b64decode(jwk["x"] + "==")
    hs_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_b64(claims)}"
    hs_sig = base64.urlsafe_b64encode(
        hmac.new(public_raw, hs_input.encode(), hashlib.sha256).digest()
    ).rstrip(b"=")
    hs256 = f"{hs_input}.{hs_sig.decode()}"
    expired, _ = TokenIssuer(SigningKey.generate(), JWT_ISSUER, JWT_AUDIENCE).issue(
        uuid.uuid4(), uuid.uuid4(), Role.owner, now=int(time.time()) - 3600
    )
    for forged in (tampered, alg_none, hs256, expired, "not-a-token", token + "x"):
        assert_error(await gateway.get("/api/v1/auth/me", headers=bearer(forged)), 401, "UNAUTHENTICATED")
    assert_error(await gateway.get("/api/v1/auth/me"), 401, "UNAUTHENTICATED")


async def test_expired_token_signed_by_auth_key_is_refused(
    gateway: httpx.AsyncClient, signing_key: SigningKey
) -> None:
    account = await register(gateway)
    me = (await gateway.get("/api/v1/auth/me", headers=bearer(account["access_token"]))).json()
    expired, _ = TokenIssuer(signing_key, JWT_ISSUER, JWT_AUDIENCE).issue(
        uuid.UUID(me["user"]["id"]), uuid.UUID(me["tenant"]["id"]), Role.owner, now=int(time.time()) - 3600
    )
    body = assert_error(await gateway.get("/api/v1/auth/me", headers=bearer(expired)), 401, "UNAUTHENTICATED")
    assert "expired" in body["detail"].lower()


async def test_viewer_cannot_write(gateway: httpx.AsyncClient) -> None:
    owner = await register(gateway)
    viewer = await register(gateway, shop="Viewer's Own Shop")
    invited = await gateway.post(
        "/api/v1/tenant/invitations",
        json={"email": viewer["email"], "role": "viewer"},
        headers=bearer(owner["access_token"]),
    )
    assert invited.status_code == 201, invited.text
    accepted = await gateway.post(
        f"/api/v1/auth/invitations/{invited.json()['id']}/accept", headers=bearer(viewer["access_token"])
    )
    assert accepted.status_code == 200, accepted.text
    owner_tenant = (await gateway.get("/api/v1/auth/me", headers=bearer(owner["access_token"]))).json()[
        "tenant"
    ]["id"]
    switched = await gateway.post(
        "/api/v1/auth/switch-tenant", json={"tenant_id": owner_tenant}, headers=bearer(viewer["access_token"])
    )
    assert switched.status_code == 200, switched.text
    viewer_headers = bearer(switched.json()["access_token"])
    me = (await gateway.get("/api/v1/auth/me", headers=viewer_headers)).json()
    assert me["role"] == "viewer"
    assert me["tenant"]["id"] == owner_tenant
    assert (await gateway.get("/api/v1/tenant/members", headers=viewer_headers)).status_code == 200
    assert_error(
        await gateway.post("/api/v1/api-keys", json={"name": "x", "role": "viewer"}, headers=viewer_headers),
        403,
        "FORBIDDEN",
    )
    assert_error(
        await gateway.post(
            "/api/v1/tenant/invitations",
            json={"email": owner["email"], "role": "viewer"},
            headers=viewer_headers,
        ),
        403,
        "FORBIDDEN",
    )


async def test_api_key_is_exchanged_by_the_gateway_and_revocation_is_immediate(
    gateway: httpx.AsyncClient,
) -> None:
    owner = await register(gateway)
    created = await gateway.post(
        "/api/v1/api-keys",
        json={"name": "shop sync", "role": "member"},
        headers=bearer(owner["access_token"]),
    )
    assert created.status_code == 201, created.text
    key = created.json()["key"]
    listed = (await gateway.get("/api/v1/api-keys", headers=bearer(owner["access_token"]))).json()
    assert key not in json.dumps(listed)  # shown once, never again

    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        me = await gateway.get("/api/v1/auth/me", headers=headers)
        assert me.status_code == 200, me.text
        assert me.json()["role"] == "member"
    revoked = await gateway.delete(
        f"/api/v1/api-keys/{created.json()['id']}", headers=bearer(owner["access_token"])
    )
    assert revoked.status_code == 204, revoked.text
    assert_error(await gateway.get("/api/v1/auth/me", headers={"X-API-Key": key}), 401, "UNAUTHENTICATED")


async def test_eleventh_login_in_a_minute_is_rate_limited(gateway: httpx.AsyncClient) -> None:
    account = await register(gateway)
    statuses = []
    for _ in range(10):
        response = await gateway.post(
            "/api/v1/auth/login", json={"email": account["email"], "password": PASSWORD}
        )
        statuses.append(response.status_code)
    assert statuses == [200] * 10
    limited = await gateway.post("/api/v1/auth/login", json={"email": account["email"], "password": PASSWORD})
    body = assert_error(limited, 429, "RATE_LIMITED")
    # Sliding window: the wait can exceed one window while the previous window's weight fades.
    assert 1 <= int(limited.headers["retry-after"]) <= 120, body


async def test_every_error_has_the_error_format(gateway: httpx.AsyncClient) -> None:
    account = await register(gateway)
    headers = bearer(account["access_token"])
    malformed = await gateway.post(
        "/api/v1/auth/login", content=b'{"email": ', headers={"content-type": "application/json"}
    )
    assert_error(malformed, 422, "VALIDATION_ERROR")
    short_password = await gateway.post(
        "/api/v1/auth/register",
        json={"email": "a@example.com", "password": "short", "full_name": "A", "tenant_name": "B"},
    )
    assert_error(short_password, 422, "VALIDATION_ERROR")
    assert_error(await gateway.get("/api/v1/nothing-here", headers=headers), 404, "NOT_FOUND")
    assert_error(await gateway.get("/api/v1/auth/no-such-thing", headers=headers), 404, "NOT_FOUND")
    assert_error(await gateway.put("/api/v1/auth/me", headers=headers), 405)
    assert_error(
        await gateway.delete("/api/v1/api-keys/not-a-uuid", headers=headers), 422, "VALIDATION_ERROR"
    )
    assert_error(await gateway.delete(f"/api/v1/api-keys/{uuid.uuid4()}", headers=headers), 404, "NOT_FOUND")
    # Every upstream is served (an undeployed one answering 503: gateway/tests/test_proxy.py).
    assert (await gateway.get("/api/v1/printers", headers=headers)).status_code == 200


async def test_a_tenant_never_sees_another_tenants_members(gateway: httpx.AsyncClient) -> None:
    shop_a, shop_b = await register(gateway, shop="Shop A"), await register(gateway, shop="Shop B")
    members_a = (await gateway.get("/api/v1/tenant/members", headers=bearer(shop_a["access_token"]))).json()
    emails = (
        [m["email"] for m in members_a["items"]]
        if isinstance(members_a, dict)
        else [m["email"] for m in members_a]
    )
    assert emails == [shop_a["email"]]
    user_b = (await gateway.get("/api/v1/auth/me", headers=bearer(shop_b["access_token"]))).json()["user"][
        "id"
    ]
    assert_error(
        await gateway.get(f"/api/v1/tenant/members/{user_b}", headers=bearer(shop_a["access_token"])), 404
    )
    assert_error(
        await gateway.delete(f"/api/v1/tenant/members/{user_b}", headers=bearer(shop_a["access_token"])), 404
    )


def _refresh_cookie(response: httpx.Response) -> tuple[str, str]:
    """(value, whole Set-Cookie line) of the ``batchivo_refresh`` cookie the response sets."""
    lines = [c for c in response.headers.get_list("set-cookie") if c.startswith("batchivo_refresh=")]
    assert len(lines) == 1, response.headers.get_list("set-cookie")
    return lines[0].split(";", 1)[0].split("=", 1)[1], lines[0]


async def test_browser_mode_cookie_crosses_the_gateway_both_ways(gateway: httpx.AsyncClient) -> None:
    # The test settings keep cookies Secure and the gateway speaks plain http here, so httpx's jar would
    # never send the cookie back: it is read from Set-Cookie and sent in a Cookie header by hand.
    browser = {"X-Batchivo-Auth": "cookie"}
    account = await register(gateway)
    login = await gateway.post(
        "/api/v1/auth/login", json={"email": account["email"], "password": PASSWORD}, headers=browser
    )
    assert login.status_code == 200, login.text
    assert login.json()["refresh_token"] is None
    first, line = _refresh_cookie(login)  # Set-Cookie came through the gateway
    assert first
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/api/v1/auth", "Max-Age=1209600", "Secure"):
        assert attribute in line

    # The gateway stores no cookie: without a Cookie header nobody's session is replayed.
    alone = await gateway.post("/api/v1/auth/refresh", headers=browser)
    assert_error(alone, 401, "UNAUTHENTICATED")

    # Refresh is public (no bearer) and the Cookie header reaches auth.
    refreshed = await gateway.post(
        "/api/v1/auth/refresh", headers={**browser, "Cookie": f"batchivo_refresh={first}"}
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["refresh_token"] is None
    second, _ = _refresh_cookie(refreshed)
    assert second != first
    access = refreshed.json()["access_token"]
    assert (await gateway.get("/api/v1/auth/me", headers=bearer(access))).status_code == 200

    logout = await gateway.post(
        "/api/v1/auth/logout",
        headers={**browser, **bearer(access), "Cookie": f"batchivo_refresh={second}"},
    )
    assert logout.status_code == 204, logout.text
    cleared, line = _refresh_cookie(logout)
    assert cleared == ""
    assert "Max-Age=0" in line
    assert_error(await gateway.get("/api/v1/auth/me", headers=bearer(access)), 401, "UNAUTHENTICATED")
    stale = await gateway.post(
        "/api/v1/auth/refresh", headers={**browser, "Cookie": f"batchivo_refresh={second}"}
    )
    assert_error(stale, 401, "UNAUTHENTICATED")
    assert _refresh_cookie(stale)[0] == ""
