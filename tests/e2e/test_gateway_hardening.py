"""Gateway hardening with the real auth service behind it: body limits, JSON depth, CORS, docs, /metrics."""

from __future__ import annotations

import json
import re
import uuid

import httpx
import pytest
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.raw_http import raw_request

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]

PASSWORD = "correct horse battery staple"
MiB = 1024 * 1024


async def register(gateway: httpx.AsyncClient) -> dict[str, str]:
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": PASSWORD, "full_name": "Olive Owner", "tenant_name": "Layer Lab"}
    response = await gateway.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
    return {**response.json(), "email": email}


async def test_a_10_mib_refresh_is_refused_unread_and_refresh_still_works(gateway: httpx.AsyncClient) -> None:
    account = await register(gateway)
    refused = await raw_request(
        str(gateway.base_url),
        "POST /api/v1/auth/refresh HTTP/1.1\nHost: gw\nContent-Type: application/json\n"
        f"Content-Length: {10 * MiB}",
        b'{"refresh_token": "',
    )
    assert refused.status == 413
    assert json.loads(refused.body) == {
        "detail": f"Request body larger than {MiB} bytes",
        "code": "PAYLOAD_TOO_LARGE",
        "status_code": 413,
    }
    refreshed = await gateway.post("/api/v1/auth/refresh", json={"refresh_token": account["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text


async def test_nested_or_broken_login_json_is_a_4xx_never_a_500(gateway: httpx.AsyncClient) -> None:
    account = await register(gateway)
    nested = (
        b'{"email": "' + account["email"].encode() + b'", "password": ' + b"[" * 3000 + b"]" * 3000 + b"}"
    )
    deep = await gateway.post(
        "/api/v1/auth/login", content=nested, headers={"Content-Type": "application/json"}
    )
    assert_error(deep, 422, "VALIDATION_ERROR")
    broken = await gateway.post(
        "/api/v1/auth/login",
        content=b'{"email": "x@example.com", "pass',
        headers={"Content-Type": "application/json"},
    )
    assert_error(broken, 422, "VALIDATION_ERROR")  # auth's own answer to invalid JSON
    ok = await gateway.post("/api/v1/auth/login", json={"email": account["email"], "password": PASSWORD})
    assert ok.status_code == 200, ok.text


async def test_no_cors_by_default_and_preflights_stop_at_the_gateway(gateway: httpx.AsyncClient) -> None:
    preflight = await gateway.options(
        "/api/v1/auth/login",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert_error(preflight, 403, "FORBIDDEN")
    assert not [h for h in preflight.headers if h.startswith("access-control-")]
    login = await gateway.post(
        "/api/v1/auth/login",
        json={"email": "nobody@example.com", "password": PASSWORD},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert_error(login, 401)
    assert not [h for h in login.headers if h.startswith("access-control-")]


async def test_docs_are_same_origin_and_metrics_are_not_public(gateway: httpx.AsyncClient) -> None:
    page = await gateway.get("/api/docs")
    assert page.status_code == 200
    assert "https:" not in page.text and "http:" not in page.text
    for ref in re.findall(r'(?:src|href)="([^"]*)"', page.text):
        assert ref.startswith("/api/docs/"), ref
        assert (await gateway.get(ref)).status_code == 200, ref
    assert "'self'" in page.headers["content-security-policy"]
    document = (await gateway.get("/api/openapi.json")).json()
    assert "/api/v1/auth/login" in document["paths"]
    assert_error(await gateway.get("/metrics"), 404, "NOT_FOUND")
