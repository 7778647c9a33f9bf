"""Rate limits against the real Redis: login/register per IP and per email, the API per tenant."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
from batchivo_common.identifiers import fullwidth

if TYPE_CHECKING:
    from conftest import UpstreamState


def _from(ip: str) -> dict[str, str]:
    # The test gateway trusts X-Forwarded-For from 127.0.0.1, as it would from the ingress.
    return {"X-Forwarded-For": ip}


def _assert_limited(response: httpx.Response, assert_error: Callable[..., Any]) -> None:
    assert_error(response, 429, "RATE_LIMITED")
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit()
    assert 1 <= int(retry_after) <= 120


async def test_eleventh_login_from_one_ip_is_429(
    gateway_url: str,
    client: httpx.AsyncClient,
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    url = f"{gateway_url}/api/v1/auth/login"
    for i in range(10):
        body = {"email": f"user{i}@example.com", "password": "wrong-password"}
        response = await client.post(url, json=body, headers=_from("203.0.113.7"))
        assert response.status_code == 200, (i, response.text)
    response = await client.post(
        url, json={"email": "new@example.com", "password": "x"}, headers=_from("203.0.113.7")
    )
    _assert_limited(response, assert_error)
    assert len(upstream_state.echoes) == 10
    # Another client is not affected, and the body reached the upstream intact.
    response = await client.post(
        url, json={"email": "z@example.com", "password": "pw"}, headers=_from("203.0.113.8")
    )
    assert response.status_code == 200
    assert response.json()["body"] == '{"email":"z@example.com","password":"pw"}'
    assert response.json()["headers"]["x-forwarded-for"] == ["203.0.113.8"]


async def test_register_is_limited_per_email_across_ips(
    start_gateway: Callable[..., str], client: httpx.AsyncClient, assert_error: Callable[..., Any]
) -> None:
    url = f"{start_gateway(login_rate_per_minute=3)}/api/v1/auth/register"
    for i in range(3):
        response = await client.post(
            url, json={"email": "Victim@Example.com"}, headers=_from(f"198.51.100.{i}")
        )
        assert response.status_code == 200
    # The same address in full-width letters is the same email (batchivo_common.identifiers).
    response = await client.post(
        url, json={"email": fullwidth("victim") + "@example.COM"}, headers=_from("198.51.100.99")
    )
    _assert_limited(response, assert_error)
    # Other emails from fresh IPs still get through; login has its own counters (failures, not attempts:
    # an upstream that answers 200 counts none).
    response = await client.post(url, json={"email": "other@example.com"}, headers=_from("198.51.100.50"))
    assert response.status_code == 200
    login = url.replace("/register", "/login")
    for i in range(5):
        response = await client.post(
            login, json={"email": "victim@example.com"}, headers=_from(f"198.51.100.{60 + i}")
        )
        assert response.status_code == 200


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    url = f"{start_gateway(login_rate_per_minute=2, trusted_proxies='')}/api/v1/auth/register"
    for i in range(2):
        response = await client.post(url, json={"email": f"s{i}@x.io"}, headers=_from(f"203.0.113.{i}"))
        assert response.status_code == 200
        # The upstream hears the real peer, not the spoofed address.
        assert response.json()["headers"]["x-forwarded-for"] == ["127.0.0.1"]
    # A fresh spoofed address does not buy a fresh per-IP budget.
    _assert_limited(
        await client.post(url, json={"email": "s9@x.io"}, headers=_from("203.0.113.99")), assert_error
    )


async def test_register_is_limited_per_ip(
    start_gateway: Callable[..., str], client: httpx.AsyncClient, assert_error: Callable[..., Any]
) -> None:
    url = f"{start_gateway(login_rate_per_minute=2)}/api/v1/auth/register"
    for i in range(2):
        assert (await client.post(url, json={"email": f"u{i}@x.io"})).status_code == 200
    _assert_limited(await client.post(url, json={"email": "u9@x.io"}), assert_error)
    # A body without a readable email is limited per IP only, and still forwarded to get its 422 there.
    _assert_limited(await client.post(url, content=b"{oops"), assert_error)


async def test_oversized_login_body_is_413(
    gateway_url: str, client: httpx.AsyncClient, assert_error: Callable[..., Any]
) -> None:
    body = b'{"email": "a@b.co", "pad": "' + b"x" * (64 * 1024) + b'"}'
    response = await client.post(f"{gateway_url}/api/v1/auth/login", content=body)
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


async def test_api_is_limited_per_tenant(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    url = start_gateway(api_rate_per_minute=3)
    tenant_a, tenant_b = uuid.uuid4(), uuid.uuid4()
    for _ in range(3):
        # A new token each time: the limit is the tenant's, not the token's.
        assert (await client.get(f"{url}/api/v1/spools", headers=bearer(tenant_a))).status_code == 200
    response = await client.get(f"{url}/api/v1/products", headers=bearer(tenant_a))
    _assert_limited(response, assert_error)
    assert (await client.get(f"{url}/api/v1/spools", headers=bearer(tenant_b))).status_code == 200
    assert len(upstream_state.echoes) == 4


async def test_without_redis_the_api_fails_open_and_login_fails_closed(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    assert_error: Callable[..., Any],
    dead_url: str,
) -> None:
    url = start_gateway(redis_url=dead_url.replace("http://", "redis://") + "/0", redis_socket_timeout=0.2)
    assert (await client.get(f"{url}/api/v1/spools", headers=bearer())).status_code == 200
    response = await client.post(f"{url}/api/v1/auth/login", json={"email": "a@b.co"})
    assert_error(response, 503, "UNAVAILABLE")
    assert response.headers["retry-after"] == "5"
    body = assert_error(await client.get(f"{url}/readyz"), 503, "UNAVAILABLE")
    assert "redis" in body["checks"]


async def test_login_can_be_configured_to_fail_open(
    start_gateway: Callable[..., str], client: httpx.AsyncClient, dead_url: str
) -> None:
    url = start_gateway(redis_url=dead_url.replace("http://", "redis://") + "/0", login_rate_fail_open=True)
    assert (await client.post(f"{url}/api/v1/auth/login", json={"email": "a@b.co"})).status_code == 200
