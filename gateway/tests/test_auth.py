"""Admission: bearer JWTs (pinned EdDSA, iss/aud/exp), the logout deny-list and API keys."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import redis.asyncio as redis
from batchivo_common.auth import revocation
from batchivo_common.auth.tokens import Role, SigningKey, TokenIssuer
from batchivo_common.testing.plugin import JWT_AUDIENCE, JWT_ISSUER
from cryptography.hazmat.primitives import serialization

if TYPE_CHECKING:
    from conftest import UpstreamState


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": JWT_ISSUER,
        "aud": JWT_AUDIENCE,
        "sub": str(uuid.uuid4()),
        "tid": str(uuid.uuid4()),
        "role": "owner",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        **overrides,
    }


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


def bad_tokens(signing_key: SigningKey, token_issuer: TokenIssuer) -> dict[str, str]:
    good, _ = token_issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.viewer)
    header, payload, signature = good.split(".")
    # Same signature, payload promoted to owner of another tenant.
    forged_payload = _b64(json.dumps(_claims(role="owner")).encode())
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    expired, _ = token_issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.owner, now=int(time.time()) - 3600)
    none_token = _unsigned({"alg": "none", "typ": "JWT", "kid": signing_key.kid}, _claims()) + "."
    public_raw = signing_key.private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    public_pem = signing_key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    hs_tokens = {}
    for name, secret in (
        ("raw", public_raw),
        ("pem", public_pem),
        ("jwk-x", signing_key.jwk()["x"].encode()),
    ):
        signing_input = _unsigned({"alg": "HS256", "typ": "JWT", "kid": signing_key.kid}, _claims())
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        hs_tokens[f"hs256-{name}"] = f"{signing_input}.{_b64(mac)}"
    other_key = TokenIssuer(SigningKey.generate(), JWT_ISSUER, JWT_AUDIENCE)
    wrong_aud = TokenIssuer(signing_key, JWT_ISSUER, "someone-else")
    wrong_iss = TokenIssuer(signing_key, "someone-else", JWT_AUDIENCE)
    return {
        "tampered-payload": f"{header}.{forged_payload}.{signature}",
        "tampered-signature": f"{header}.{payload}.{flipped}",
        "expired": expired,
        "alg-none": none_token,
        **hs_tokens,
        "unknown-key": other_key.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)[0],
        "wrong-audience": wrong_aud.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)[0],
        "wrong-issuer": wrong_iss.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)[0],
        "garbage": "not-a-jwt",
    }


async def test_missing_credentials_are_401(
    gateway_url: str,
    client: httpx.AsyncClient,
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    for headers in ({}, {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "Bearer"}):
        response = await client.get(f"{gateway_url}/api/v1/spools", headers=headers)
        assert_error(response, 401, "UNAUTHENTICATED")
        assert response.headers["www-authenticate"] == "Bearer"
    assert upstream_state.echoes == []


async def test_invalid_tokens_are_401_and_never_reach_the_upstream(
    gateway_url: str,
    client: httpx.AsyncClient,
    signing_key: SigningKey,
    token_issuer: TokenIssuer,
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    for name, token in bad_tokens(signing_key, token_issuer).items():
        response = await client.get(
            f"{gateway_url}/api/v1/spools", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 401, name
        assert_error(response, 401, "UNAUTHENTICATED")
        assert response.headers["www-authenticate"] == "Bearer"
    assert upstream_state.echoes == []


async def test_valid_token_is_forwarded_unchanged(
    gateway_url: str, client: httpx.AsyncClient, make_token: Callable[..., str]
) -> None:
    token = make_token(role=Role.viewer)
    for _ in range(2):  # the second request is served from the verified-token cache
        response = await client.get(
            f"{gateway_url}/api/v1/spools", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
        assert response.json()["headers"]["authorization"] == [f"Bearer {token}"]


async def test_public_routes_need_no_token(
    gateway_url: str, client: httpx.AsyncClient, upstream_state: UpstreamState
) -> None:
    for method, path in (
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/auth/register"),
        ("POST", "/api/v1/auth/refresh"),
        ("GET", "/.well-known/jwks.json"),
    ):
        response = await client.request(method, f"{gateway_url}{path}", json={"email": "a@b.co"})
        assert response.status_code == 200, (path, response.text)
    assert [e["path"] for e in upstream_state.echoes] == [
        "/api/v1/auth/login",
        "/api/v1/auth/register",
        "/api/v1/auth/refresh",
    ]
    # Logout, me and the rest of auth are protected.
    for method, path in (
        ("POST", "/api/v1/auth/logout"),
        ("GET", "/api/v1/auth/me"),
        ("GET", "/api/v1/api-keys"),
    ):
        response = await client.request(method, f"{gateway_url}{path}")
        assert response.status_code == 401


async def test_deny_listed_token_is_401(
    gateway_url: str,
    client: httpx.AsyncClient,
    token_issuer: TokenIssuer,
    redis_client: redis.Redis,
    redis_prefix: str,
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    token, principal = token_issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get(f"{gateway_url}/api/v1/spools", headers=headers)).status_code == 200
    await revocation.deny(redis_client, redis_prefix, principal.jti, 60)  # what auth does on logout
    response = await client.get(
        f"{gateway_url}/api/v1/spools", headers=headers
    )  # even though cached as verified
    body = assert_error(response, 401, "UNAUTHENTICATED")
    assert "revoked" in body["detail"]
    assert response.headers["www-authenticate"] == "Bearer"
    assert len(upstream_state.echoes) == 1


@pytest.mark.parametrize("style", ["authorization", "x-api-key"])
async def test_api_key_is_exchanged_once_and_cached(
    style: str,
    gateway_url: str,
    client: httpx.AsyncClient,
    upstream_state: UpstreamState,
    redis_client: redis.Redis,
    redis_prefix: str,
) -> None:
    key = f"bvk_{uuid.uuid4().hex}"
    tenant = uuid.uuid4()
    upstream_state.api_keys[key] = (tenant, Role.member)
    upstream_state.api_key_ttl = 300
    headers = {"Authorization": f"Bearer {key}"} if style == "authorization" else {"X-API-Key": key}
    for _ in range(3):
        response = await client.get(f"{gateway_url}/api/v1/spools", headers=headers)
        assert response.status_code == 200, response.text
        seen = response.json()["headers"]
        assert "x-api-key" not in seen
        forwarded = seen["authorization"][0]
        assert forwarded.startswith("Bearer ey")
        assert key not in forwarded
    assert upstream_state.exchanges == 1
    cache_key = f"{redis_prefix}gateway:apikey:{hashlib.sha256(key.encode()).hexdigest()}"
    ttl = await redis_client.ttl(cache_key)
    # The shorter of the token's life less the margin and GATEWAY_API_KEY_CACHE_SECONDS (60).
    assert 60 - 5 <= ttl <= 60
    assert (await redis_client.get(cache_key)).decode() == forwarded.removeprefix("Bearer ")


async def test_revoked_api_key_stops_working_at_once(
    gateway_url: str,
    client: httpx.AsyncClient,
    upstream_state: UpstreamState,
    redis_client: redis.Redis,
    redis_prefix: str,
    assert_error: Callable[..., Any],
) -> None:
    key = f"bvk_{uuid.uuid4().hex}"
    upstream_state.api_keys[key] = (uuid.uuid4(), Role.admin)
    assert (await client.get(f"{gateway_url}/api/v1/spools", headers={"X-API-Key": key})).status_code == 200
    # What auth does on revoke: forget the key and delete the gateway's cache entry.
    del upstream_state.api_keys[key]
    await redis_client.delete(f"{redis_prefix}gateway:apikey:{hashlib.sha256(key.encode()).hexdigest()}")
    response = await client.get(f"{gateway_url}/api/v1/spools", headers={"X-API-Key": key})
    assert_error(response, 401, "UNAUTHENTICATED")
    assert upstream_state.exchanges == 2


async def test_unknown_api_key_is_401(
    gateway_url: str,
    client: httpx.AsyncClient,
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    for headers in ({"X-API-Key": "bvk_nope"}, {"Authorization": "Bearer bvk_nope"}, {"X-API-Key": "nope"}):
        response = await client.get(f"{gateway_url}/api/v1/spools", headers=headers)
        assert_error(response, 401, "UNAUTHENTICATED")
        assert response.headers["www-authenticate"] == "Bearer"
    assert upstream_state.echoes == []


async def test_short_lived_api_key_tokens_are_not_cached(
    gateway_url: str, client: httpx.AsyncClient, upstream_state: UpstreamState
) -> None:
    key = f"bvk_{uuid.uuid4().hex}"
    upstream_state.api_keys[key] = (uuid.uuid4(), Role.viewer)
    upstream_state.api_key_ttl = 20  # below the 30 s margin
    for _ in range(2):
        assert (
            await client.get(f"{gateway_url}/api/v1/spools", headers={"X-API-Key": key})
        ).status_code == 200
    assert upstream_state.exchanges == 2
