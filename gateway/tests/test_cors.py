"""CORS at the gateway: an allowlist per environment, none by default, preflights answered by the gateway."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from batchivo_gateway.settings import GatewaySettings
from pydantic import ValidationError

if TYPE_CHECKING:
    from conftest import UpstreamState

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


def preflight(origin: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type",
    }


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def test_by_default_no_origin_gets_cors_headers(
    gateway_url: str,
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    response = await client.get(f"{gateway_url}/api/v1/spools", headers={**bearer(), "Origin": APP})
    assert response.status_code == 200
    assert cors_headers(response) == {}
    assert "origin" not in response.headers.get("vary", "").lower()
    refused = await client.options(f"{gateway_url}/api/v1/spools", headers=preflight(APP))
    assert_error(refused, 403, "FORBIDDEN")
    assert cors_headers(refused) == {}
    assert [e["method"] for e in upstream_state.echoes] == ["GET"]  # the preflight never reached a service


async def test_a_listed_origin_gets_cors_with_credentials(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    url = start_gateway(cors_origins=[APP, "http://localhost:5173"], cors_allow_credentials=True)
    pre = await client.options(f"{url}/api/v1/auth/login", headers=preflight(APP))
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == APP
    assert pre.headers["access-control-allow-credentials"] == "true"
    assert "POST" in pre.headers["access-control-allow-methods"]
    allowed_headers = pre.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers and "content-type" in allowed_headers
    assert "idempotency-key" in allowed_headers  # POST actions take one (docs/adr/0011-idempotency-keys.md)
    assert "if-match" in allowed_headers  # a PATCH refuses a lost update with it (docs/api.md)
    assert int(pre.headers["access-control-max-age"]) == 600
    assert "Origin" in pre.headers["vary"]
    assert upstream_state.echoes == []  # the preflight never reached a service

    response = await client.get(f"{url}/api/v1/spools", headers={**bearer(), "Origin": APP})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    assert response.headers["access-control-allow-credentials"] == "true"
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed and "idempotent-replayed" in exposed
    assert "etag" in exposed  # the page reads it to send If-Match on its next PATCH
    assert "x-next-cursor" in exposed and "link" in exposed  # the JSON Lines exports' next page
    assert "Origin" in response.headers.get_list("vary")
    # The gateway's own errors carry them too, so the page can read them.
    denied = await client.get(f"{url}/api/v1/spools", headers={"Origin": APP})
    assert_error(denied, 401, "UNAUTHENTICATED")
    assert denied.headers["access-control-allow-origin"] == APP


async def test_an_unlisted_origin_gets_no_cors_and_its_preflight_is_refused(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    url = start_gateway(cors_origins=APP, cors_allow_credentials=True)
    response = await client.get(f"{url}/api/v1/spools", headers={**bearer(), "Origin": EVIL})
    assert response.status_code == 200  # the browser, not the gateway, withholds the answer from the page
    assert cors_headers(response) == {}
    assert "Origin" in response.headers.get_list("vary")
    refused = await client.options(f"{url}/api/v1/spools", headers=preflight(EVIL, "DELETE"))
    assert_error(refused, 403, "FORBIDDEN")
    assert cors_headers(refused) == {}
    # A listed origin is matched exactly: not as a prefix, not another scheme.
    for origin in (f"{APP}.evil.net", "http://app.example.com", "null"):
        other = await client.options(f"{url}/api/v1/spools", headers=preflight(origin))
        assert_error(other, 403, "FORBIDDEN")
    assert len(upstream_state.echoes) == 1


async def test_any_origin_without_credentials(
    start_gateway: Callable[..., str], client: httpx.AsyncClient, bearer: Callable[..., dict[str, str]]
) -> None:
    url = start_gateway(cors_origins=["*"])
    response = await client.get(f"{url}/api/v1/spools", headers={**bearer(), "Origin": EVIL})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    pre = await client.options(f"{url}/api/v1/spools", headers=preflight(EVIL))
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in pre.headers


def test_settings_refuse_any_origin_with_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", "*")
    monkeypatch.setenv("GATEWAY_CORS_ALLOW_CREDENTIALS", "true")
    with pytest.raises(ValidationError, match="CORS"):
        GatewaySettings()
    monkeypatch.setenv("GATEWAY_CORS_ALLOW_CREDENTIALS", "false")
    assert GatewaySettings().cors_origins == ["*"]


def test_settings_read_origins_as_a_comma_list_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    assert GatewaySettings().cors_origins == []
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", " https://App.example.com/ , http://localhost:5173")
    assert GatewaySettings().cors_origins == ["https://app.example.com", "http://localhost:5173"]
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", '["https://a.example.com", "https://b.example.com:8443"]')
    assert GatewaySettings().cors_origins == ["https://a.example.com", "https://b.example.com:8443"]
    for bad in ("app.example.com", "https://app.example.com/path", "ftp://x.example.com"):
        monkeypatch.setenv("GATEWAY_CORS_ORIGINS", bad)
        with pytest.raises(ValidationError, match="CORS origin"):
            GatewaySettings()
