"""Routing and proxying through a real gateway to a real (fake) upstream."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from conftest import UpstreamState


async def test_routes_to_upstream_with_path_query_and_body(
    gateway_url: str,
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
) -> None:
    response = await client.put(
        f"{gateway_url}/api/v1/spools/abc/weigh?x=1&y=%2F",
        headers={**bearer(), "Content-Type": "application/json"},
        content=b'{"gross_grams": 1012.5}',
    )
    assert response.status_code == 200, response.text
    echo = response.json()
    assert echo["method"] == "PUT"
    assert echo["path"] == "/api/v1/spools/abc/weigh"
    assert echo["query"] == "x=1&y=%2F"
    assert echo["body"] == '{"gross_grams": 1012.5}'
    assert response.headers["x-upstream"] == "fake"
    assert len(upstream_state.echoes) == 1


async def test_unknown_api_paths_are_404_in_error_format(
    gateway_url: str,
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    for path in (
        "/api/v1/spoolsx",
        "/api/v1/nothing-here",
        "/api/v2/spools",
        "/api",
        "/api/v1/spools/%2e%2e/%2e%2e/internal/api-keys/exchange",
        "/api/v1/spools%2F..%2F..%2Finternal%2Fapi-keys%2Fexchange",
    ):
        response = await client.get(f"{gateway_url}{path}", headers=bearer())
        assert_error(response, 404, "NOT_FOUND")
    assert upstream_state.echoes == []
    assert upstream_state.exchanges == 0


async def test_internal_paths_are_never_routed(
    gateway_url: str,
    client: httpx.AsyncClient,
    upstream_state: UpstreamState,
    assert_error: Callable[..., Any],
) -> None:
    response = await client.post(f"{gateway_url}/internal/api-keys/exchange", json={"key": "bvk_x"})
    assert response.status_code in (404, 405)
    assert_error(
        response, response.status_code, "NOT_FOUND" if response.status_code == 404 else "METHOD_NOT_ALLOWED"
    )
    assert upstream_state.exchanges == 0


async def test_unconfigured_upstream_is_503(
    gateway_url: str,
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    assert_error: Callable[..., Any],
) -> None:
    response = await client.get(f"{gateway_url}/api/v1/printers", headers=bearer())  # production_url unset
    assert_error(response, 503, "UNAVAILABLE")


async def test_upstream_down_is_503(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    assert_error: Callable[..., Any],
    dead_url: str,
) -> None:
    url = start_gateway(catalog_url=dead_url)
    response = await client.get(f"{url}/api/v1/products", headers=bearer())
    assert_error(response, 503, "UNAVAILABLE")


async def test_slow_upstream_is_504(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    assert_error: Callable[..., Any],
) -> None:
    url = start_gateway(upstream_read_timeout=0.3)
    response = await client.get(f"{url}/api/v1/spools/slow?seconds=1.5", headers=bearer())
    assert_error(response, 504, "UPSTREAM_TIMEOUT")


async def test_forwards_request_id_trace_context_and_forwarded_headers(
    gateway_url: str, client: httpx.AsyncClient, bearer: Callable[..., dict[str, str]]
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = await client.get(
        f"{gateway_url}/api/v1/inventory/summary",
        headers={
            **bearer(),
            "X-Request-ID": "req-abc-123",
            "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01",
            "X-Forwarded-Host": "evil.example",
            "X-API-Key": "",
            "Keep-Alive": "timeout=5",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers.get_list("x-request-id") == ["req-abc-123"]
    seen = response.json()["headers"]
    assert seen["x-request-id"] == ["req-abc-123"]
    assert seen["traceparent"][0].startswith(f"00-{trace_id}-")
    assert seen["traceparent"][0] != f"00-{trace_id}-00f067aa0ba902b7-01"  # the gateway's span is the parent
    assert seen["x-forwarded-for"] == ["127.0.0.1"]
    assert seen["x-forwarded-proto"] == ["http"]
    assert seen["x-forwarded-host"] == [gateway_url.removeprefix("http://")]
    assert "keep-alive" not in seen
    assert "x-api-key" not in seen
    assert seen["authorization"] == [bearer_value(response.request)]


def bearer_value(request: httpx.Request) -> str:
    return request.headers["authorization"]


async def test_generates_a_request_id_when_none_is_sent(
    gateway_url: str, client: httpx.AsyncClient, bearer: Callable[..., dict[str, str]]
) -> None:
    response = await client.get(f"{gateway_url}/api/v1/spools", headers=bearer())
    rid = response.headers["x-request-id"]
    assert rid
    assert response.json()["headers"]["x-request-id"] == [rid]


async def test_response_headers_pass_through_and_location_points_at_the_gateway(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
) -> None:
    gateway_url = start_gateway()
    response = await client.post(
        f"{gateway_url}/api/v1/models", headers=bearer(), json={"name": "Benchy", "weight_grams": 12.5}
    )
    assert response.status_code == 201, response.text
    assert response.json() == {"name": "Benchy", "weight_grams": 12.5}
    assert response.headers["location"] == f"{gateway_url}/api/v1/models/m-1"
    assert len(response.headers.get_list("server")) <= 1
    assert len(response.headers.get_list("date")) == 1


async def test_malformed_json_reaches_the_upstream_and_its_422_passes_through(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
) -> None:
    gateway_url = start_gateway()
    response = await client.post(
        f"{gateway_url}/api/v1/models",
        headers={**bearer(), "Content-Type": "application/json"},
        content=b'{"name": "Benchy", ',
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert body["status_code"] == 422
    assert body["errors"][0]["type"] == "json_invalid"


async def test_streams_a_large_response_body(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
) -> None:
    gateway_url = start_gateway()
    size = 24 * 1024 * 1024 + 123
    expected = hashlib.sha256()
    chunk = bytes(range(256)) * 256
    sent = 0
    while sent < size:
        piece = chunk[: size - sent]
        expected.update(piece)
        sent += len(piece)
    digest = hashlib.sha256()
    received = 0
    async with client.stream(
        "GET", f"{gateway_url}/api/v1/spools/big?size={size}", headers=bearer()
    ) as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers  # chunked all the way, never buffered
        async for part in response.aiter_raw():
            digest.update(part)
            received += len(part)
    assert received == size
    assert digest.hexdigest() == expected.hexdigest()


async def test_response_reaches_the_client_before_the_upstream_finishes(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    upstream_state: UpstreamState,
) -> None:
    gateway_url = start_gateway()
    async with client.stream("GET", f"{gateway_url}/api/v1/spools/gated", headers=bearer()) as response:
        parts = response.aiter_raw()
        first = await asyncio.wait_for(parts.__anext__(), timeout=5)  # would hang if the gateway buffered
        assert first.startswith(b"first:")
        upstream_state.release.set()
        rest = b"".join([part async for part in parts])
    assert (first + rest).endswith(b":second")


async def test_streams_a_large_request_body(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
) -> None:
    gateway_url = start_gateway()

    async def body() -> Any:
        for i in range(64):
            yield bytes([65 + i % 26]) * 16384

    response = await client.post(f"{gateway_url}/api/v1/spools/import", headers=bearer(), content=body())
    assert response.status_code == 200
    assert len(response.json()["body"]) == 64 * 16384


async def test_gateway_errors_are_in_error_format(
    gateway_url: str, client: httpx.AsyncClient, assert_error: Callable[..., Any]
) -> None:
    assert_error(await client.post(f"{gateway_url}/healthz"), 405, "METHOD_NOT_ALLOWED")
    assert_error(await client.post(f"{gateway_url}/api/openapi.json"), 405, "METHOD_NOT_ALLOWED")
    assert_error(await client.request("TRACE", f"{gateway_url}/api/v1/spools"), 405, "METHOD_NOT_ALLOWED")
    assert_error(await client.get(f"{gateway_url}/nowhere"), 404, "NOT_FOUND")


async def test_health_and_readiness(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    assert_error: Callable[..., Any],
    dead_url: str,
) -> None:
    url = start_gateway()
    assert (await client.get(f"{url}/healthz")).json() == {"status": "ok"}
    assert (await client.get(f"{url}/readyz")).json() == {"status": "ready"}
    down = start_gateway(catalog_url=dead_url)
    body = assert_error(await client.get(f"{down}/readyz"), 503, "UNAVAILABLE")
    assert set(body["checks"]) == {"upstream_catalog"}


async def test_no_body_responses_and_head(
    start_gateway: Callable[..., str],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
) -> None:
    url = start_gateway()
    gone = await client.delete(f"{url}/api/v1/spools/gone", headers=bearer())
    assert gone.status_code == 204
    assert gone.content == b""
    head = await client.head(f"{url}/api/v1/spools", headers=bearer())
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) > 0


async def test_upstream_cookies_are_never_replayed_and_no_default_headers_are_added(
    start_gateway: Callable[..., str], bearer: Callable[..., dict[str, str]]
) -> None:
    url = start_gateway()
    async with httpx.AsyncClient(trust_env=False) as bare:
        for name in list(bare.headers):
            del bare.headers[name]
        bare.cookies = CookieJar(
            policy=DefaultCookiePolicy(allowed_domains=[])
        )  # this client keeps none either
        first = await bare.get(f"{url}/api/v1/spools", headers=bearer())
        assert first.headers.get_list("set-cookie") == ["a=1"]  # the upstream's cookie reaches its client
        second = await bare.get(f"{url}/api/v1/spools", headers=bearer())
    seen = second.json()["headers"]
    assert "cookie" not in seen  # ... but the gateway never keeps it for the next caller
    assert "accept-encoding" not in seen
    assert "user-agent" not in seen
