"""Bad input never gives a 500 and every error has the project's one shape."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.parametrize(
    ("method", "path", "content"),
    [
        ("POST", "/api/v1/auth/register", b"{not json"),
        ("POST", "/api/v1/auth/login", b"[]"),
        ("POST", "/api/v1/auth/login", b'"a string"'),
        ("POST", "/api/v1/auth/refresh", b"null"),
        ("POST", "/api/v1/auth/login", b'{"email": "a@example.com", "password": {"$gt": ""}}'),
        ("POST", "/api/v1/auth/login", b'{"email": "a@example.com", "password": "p", "tenant_id": "x"}'),
        (
            "POST",
            "/api/v1/auth/login",
            b'{"email": "a@example.com", "password": "' + b"p" * 10_000 + b'"}',
        ),
        ("POST", "/internal/api-keys/exchange", b'{"key": 1}'),
    ],
)
async def test_malformed_bodies_are_422_in_the_error_format(
    client: httpx.AsyncClient, api, method: str, path: str, content: bytes
) -> None:
    response = await client.request(
        method, path, content=content, headers={"content-type": "application/json"}
    )
    body = api.error(response, 422, "VALIDATION_ERROR")
    assert isinstance(body["errors"], list)
    assert body["errors"]
    assert "p" * 100 not in response.text  # inputs are not echoed back


async def test_a_bad_uuid_in_the_token_or_path_is_not_a_500(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    for path in ("/api/v1/tenant/members/%00", "/api/v1/api-keys/" + "9" * 300):
        response = await client.delete(path, headers=owner.headers)
        assert response.status_code in (404, 422), response.text
        api.error(response, response.status_code)


async def test_unknown_routes_and_methods_use_the_error_format(client: httpx.AsyncClient, api) -> None:
    api.error(await client.get("/api/v1/nothing-here"), 404, "NOT_FOUND")
    api.error(await client.get("/api/v1/auth/login"), 405)


async def test_probes(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text


async def test_openapi_lists_the_public_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/switch-tenant",
        "/api/v1/auth/me",
        "/api/v1/tenant/members",
        "/api/v1/tenant/members/{user_id}",
        "/api/v1/tenant/invitations",
        "/api/v1/tenant/invitations/{invitation_id}",
        "/api/v1/auth/invitations",
        "/api/v1/auth/invitations/{invitation_id}/accept",
        "/api/v1/auth/invitations/{invitation_id}/decline",
        "/api/v1/api-keys",
        "/api/v1/api-keys/{key_id}",
        "/internal/api-keys/exchange",
        "/.well-known/jwks.json",
    } <= set(paths)


async def test_jwks_answers_head_too(client: httpx.AsyncClient) -> None:
    assert (await client.head("/.well-known/jwks.json")).status_code == 200


async def test_without_redis_tokens_are_refused_with_503_not_accepted(auth_settings, api) -> None:
    """Revocation cannot be checked without Redis, so the service fails closed (and is not ready)."""
    from batchivo_auth.main import create_app

    account = await api.register()
    broken = create_app(
        auth_settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}), configure_process=False
    )
    async with (
        broken.router.lifespan_context(broken),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=broken), base_url="http://auth.test") as client,
    ):
        api.error(await client.get("/api/v1/auth/me", headers=account.headers), 503, "UNAVAILABLE")
        api.error(await client.get("/readyz"), 503, "UNAVAILABLE")
        # Logging in needs no Redis.
        assert (
            await client.post("/api/v1/auth/login", json={"email": account.email, "password": api.password})
        ).status_code == 200
