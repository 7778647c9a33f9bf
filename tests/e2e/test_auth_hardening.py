"""Hardening of auth through the real gateway, auth service, PostgreSQL and Redis: login limits that an
attacker can neither dodge (full-width emails, spoofed X-Forwarded-For) nor turn against the real user
(docs/adr/0008-login-abuse.md); API keys bounded by their creator; membership by invitation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from batchivo_common.identifiers import fullwidth
from batchivo_common.testing.assertions import assert_error

PASSWORD = "correct horse battery staple"
LOGIN = "/api/v1/auth/login"

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]


def _ip() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def _from(ip: str) -> dict[str, str]:
    return {"X-Forwarded-For": ip}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register(gateway: httpx.AsyncClient, email: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {
        "email": email or f"user-{uuid.uuid4().hex[:8]}@example.com",
        "password": PASSWORD,
        "full_name": "Olive Owner",
        "tenant_name": "Layer Lab",
        **extra,
    }
    response = await gateway.post("/api/v1/auth/register", json=body, headers=_from(_ip()))
    assert response.status_code == 201, response.text
    return {**response.json(), "email": body["email"]}


async def me(gateway: httpx.AsyncClient, token: str) -> dict[str, Any]:
    response = await gateway.get("/api/v1/auth/me", headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- login limits ----------------------------------------------------------------------------------------


async def test_a_full_width_email_is_the_same_account_and_the_same_limit(gateway: httpx.AsyncClient) -> None:
    email = f"ada{uuid.uuid4().hex[:6]}@example.com"
    account = await register(gateway, email=email)
    local, domain = email.split("@")
    variant = f"{fullwidth(local.upper())}@{domain}"
    # Registering the full-width spelling is registering the same email.
    duplicate = await gateway.post(
        "/api/v1/auth/register",
        json={"email": variant, "password": PASSWORD, "full_name": "X", "tenant_name": "X"},
        headers=_from(_ip()),
    )
    assert_error(duplicate, 409, "CONFLICT")
    # It logs into the same account.
    login = await gateway.post(LOGIN, json={"email": variant, "password": PASSWORD}, headers=_from(_ip()))
    assert login.status_code == 200, login.text
    assert (await me(gateway, login.json()["access_token"]))["user"]["id"] == (
        await me(gateway, account["access_token"])
    )["user"]["id"]

    # Wrong guesses alternate spellings from one IP: they share one (IP, email) failure limit of 5.
    attacker = _from(_ip())
    for i in range(5):
        guess = {"email": variant if i % 2 else email, "password": f"wrong-{i}"}
        assert_error(await gateway.post(LOGIN, json=guess, headers=attacker), 401, "UNAUTHENTICATED")
    refused = await gateway.post(LOGIN, json={"email": variant, "password": "wrong-5"}, headers=attacker)
    assert_error(refused, 429, "RATE_LIMITED")
    assert int(refused.headers["retry-after"]) >= 1


async def test_ten_wrong_guesses_from_one_ip_do_not_lock_the_user_out_elsewhere(
    gateway: httpx.AsyncClient,
) -> None:
    account = await register(gateway)
    attacker = _from(_ip())
    statuses = []
    for i in range(10):
        response = await gateway.post(
            LOGIN, json={"email": account["email"], "password": f"wrong-{i}"}, headers=attacker
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 5 + [429] * 5  # the attacker's IP is stopped for this email
    # The real user, from their own IP, still gets in.
    response = await gateway.post(
        LOGIN, json={"email": account["email"], "password": PASSWORD}, headers=_from(_ip())
    )
    assert response.status_code == 200, response.text


async def test_an_attacker_rotating_ips_gets_few_guesses_but_a_known_ip_still_logs_in(
    gateway: httpx.AsyncClient,
) -> None:
    account = await register(gateway)
    home = _from(_ip())
    assert (
        await gateway.post(LOGIN, json={"email": account["email"], "password": PASSWORD}, headers=home)
    ).status_code == 200
    # Ten failures from ten IPs use up the email's free failures and start its back-off.
    for i in range(10):
        response = await gateway.post(
            LOGIN, json={"email": account["email"], "password": f"wrong-{i}"}, headers=_from(_ip())
        )
        assert response.status_code == 401, (i, response.text)
    # Now one more guess from yet another IP is refused, whatever the password: the back-off is per email.
    refused = await gateway.post(
        LOGIN, json={"email": account["email"], "password": PASSWORD}, headers=_from(_ip())
    )
    assert_error(refused, 429, "RATE_LIMITED")
    # The IP the user logged in from before is not held back.
    response = await gateway.post(LOGIN, json={"email": account["email"], "password": PASSWORD}, headers=home)
    assert response.status_code == 200, response.text


async def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(untrusting_gateway_url: str) -> None:
    async with httpx.AsyncClient(base_url=untrusting_gateway_url, timeout=20) as gateway:
        statuses = []
        for i in range(11):
            # Each attempt claims another client address; the gateway only believes its TCP peer, so all
            # eleven share one per-IP budget of 10 a minute.
            response = await gateway.post(
                "/api/v1/auth/register",
                json={
                    "email": f"spoof-{i}-{uuid.uuid4().hex[:8]}@example.com",
                    "password": PASSWORD,
                    "full_name": "Spoofer",
                    "tenant_name": "Spoof",
                },
                headers=_from(_ip()),
            )
            statuses.append(response.status_code)
        assert statuses == [201] * 10 + [429]


# -- API keys bounded by their creator -------------------------------------------------------------------


async def _join(gateway: httpx.AsyncClient, owner: dict[str, Any], person: dict[str, Any], role: str) -> str:
    """Invite ``person`` into ``owner``'s shop, accept, and return their token there."""
    invited = await gateway.post(
        "/api/v1/tenant/invitations",
        json={"email": person["email"], "role": role},
        headers=bearer(owner["access_token"]),
    )
    assert invited.status_code == 201, invited.text
    accepted = await gateway.post(
        f"/api/v1/auth/invitations/{invited.json()['id']}/accept", headers=bearer(person["access_token"])
    )
    assert accepted.status_code == 200, accepted.text
    switched = await gateway.post(
        "/api/v1/auth/switch-tenant",
        json={"tenant_id": accepted.json()["tenant_id"]},
        headers=bearer(person["access_token"]),
    )
    assert switched.status_code == 200, switched.text
    token: str = switched.json()["access_token"]
    return token


async def test_an_api_key_follows_its_creators_demotion_and_removal(gateway: httpx.AsyncClient) -> None:
    owner = await register(gateway)
    admin = await register(gateway)
    admin_token = await _join(gateway, owner, admin, "admin")
    admin_id = (await me(gateway, admin_token))["user"]["id"]
    created = await gateway.post(
        "/api/v1/api-keys", json={"name": "ERP", "role": "admin"}, headers=bearer(admin_token)
    )
    assert created.status_code == 201, created.text
    key = {"X-API-Key": created.json()["key"]}
    # Used once: the gateway now holds the exchanged (admin) token in Redis.
    assert (await gateway.get("/api/v1/api-keys", headers=key)).status_code == 200

    demoted = await gateway.patch(
        f"/api/v1/tenant/members/{admin_id}", json={"role": "member"}, headers=bearer(owner["access_token"])
    )
    assert demoted.status_code == 200, demoted.text
    # At the very next request the key acts as a member: admin-only calls are refused, member calls work.
    assert_error(await gateway.get("/api/v1/api-keys", headers=key), 403, "FORBIDDEN")
    assert (await gateway.get("/api/v1/tenant/members", headers=key)).status_code == 200

    removed = await gateway.delete(
        f"/api/v1/tenant/members/{admin_id}", headers=bearer(owner["access_token"])
    )
    assert removed.status_code == 204
    assert_error(await gateway.get("/api/v1/tenant/members", headers=key), 401, "UNAUTHENTICATED")


# -- membership by invitation ----------------------------------------------------------------------------


async def test_invite_an_email_with_no_account_then_they_register_and_join(
    gateway: httpx.AsyncClient,
) -> None:
    owner = await register(gateway)
    existing = await register(gateway)
    email = f"newcomer-{uuid.uuid4().hex[:8]}@example.com"
    headers = bearer(owner["access_token"])
    invited_new = await gateway.post(
        "/api/v1/tenant/invitations", json={"email": email, "role": "member"}, headers=headers
    )
    invited_old = await gateway.post(
        "/api/v1/tenant/invitations", json={"email": existing["email"], "role": "member"}, headers=headers
    )
    # The same answer whether or not the email has an account.
    assert invited_new.status_code == invited_old.status_code == 201
    assert set(invited_new.json()) == set(invited_old.json())
    assert "Olive Owner" not in invited_old.text
    # Nobody joined yet.
    assert [m["tenant_id"] for m in (await me(gateway, existing["access_token"]))["memberships"]] == [
        (await me(gateway, existing["access_token"]))["tenant"]["id"]
    ]

    # The newcomer registers with the invitation's link secret: no shop of their own, a member of this one.
    joined = await gateway.post(
        "/api/v1/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "full_name": "Nina Newcomer",
            "invitation_token": invited_new.json()["token"],
        },
        headers=_from(_ip()),
    )
    assert joined.status_code == 201, joined.text
    profile = await me(gateway, joined.json()["access_token"])
    owner_tenant = (await me(gateway, owner["access_token"]))["tenant"]
    assert profile["role"] == "member"
    assert profile["memberships"] == [
        {"tenant_id": owner_tenant["id"], "tenant_name": owner_tenant["name"], "role": "member"}
    ]

    # The existing person finds the invitation signed in, and accepts it: the shop appears in /me.
    mine = await gateway.get("/api/v1/auth/invitations", headers=bearer(existing["access_token"]))
    assert [i["tenant_id"] for i in mine.json()["items"]] == [owner_tenant["id"]]
    accepted = await gateway.post(
        f"/api/v1/auth/invitations/{mine.json()['items'][0]['id']}/accept",
        headers=bearer(existing["access_token"]),
    )
    assert accepted.status_code == 200, accepted.text
    assert owner_tenant["id"] in [
        m["tenant_id"] for m in (await me(gateway, existing["access_token"]))["memberships"]
    ]
    assert (await gateway.get("/api/v1/tenant/invitations", headers=headers)).json()["total"] == 0
