"""/metrics: never on the public listener, only on the internal one (GATEWAY_METRICS_HOST/PORT)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from batchivo_common.testing.asgi_server import free_port, serve
from batchivo_gateway.main import create_app
from batchivo_gateway.settings import GatewaySettings


@contextlib.contextmanager
def gateway(settings: GatewaySettings) -> Iterator[tuple[str, str]]:
    """(public URL, metrics URL) of a running gateway."""
    app = create_app(settings)
    with serve(app) as url:
        port = app.state.metrics_listener.port
        yield url, f"http://{settings.metrics_host}:{port}"


async def test_the_public_listener_does_not_serve_metrics(
    gateway_url: str, client: httpx.AsyncClient, assert_error: Callable[..., Any]
) -> None:
    assert_error(await client.get(f"{gateway_url}/metrics"), 404, "NOT_FOUND")
    assert (await client.head(f"{gateway_url}/metrics")).status_code == 404


async def test_metrics_only_on_the_internal_listener(
    gateway_settings: Callable[..., GatewaySettings],
    client: httpx.AsyncClient,
    bearer: Callable[..., dict[str, str]],
    assert_error: Callable[..., Any],
    tmp_path: Path,
) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    port = free_port()
    with gateway(gateway_settings(metrics_port=port, frontend_dist=dist)) as (public, internal):
        assert internal == f"http://127.0.0.1:{port}"
        # Public: 404 in the error format (not the SPA's index.html either), whatever the method.
        assert_error(await client.get(f"{public}/metrics"), 404, "NOT_FOUND")
        assert_error(await client.post(f"{public}/metrics"), 404, "NOT_FOUND")
        assert (await client.get(f"{public}/api/v1/spools", headers=bearer())).status_code == 200

        scraped = await client.get(f"{internal}/metrics")
        assert scraped.status_code == 200
        assert scraped.headers["content-type"].startswith("text/plain")
        text = scraped.text
        assert 'batchivo_http_requests_total{method="GET",route="/{path:path}",service="gateway"' in text
        assert "process_cpu_seconds_total" in text or "python_info" in text  # the default registry too
        # The internal listener serves nothing else, in the error format.
        assert_error(await client.get(f"{internal}/api/v1/spools", headers=bearer()), 404, "NOT_FOUND")
        assert_error(await client.get(f"{internal}/healthz"), 404, "NOT_FOUND")
        not_allowed = await client.post(f"{internal}/metrics")
        assert_error(not_allowed, 405, "METHOD_NOT_ALLOWED")
    with pytest.raises(httpx.ConnectError):  # closed with the app
        await client.get(f"{internal}/metrics")


def test_default_metrics_port_and_host() -> None:
    settings = GatewaySettings()
    assert (settings.metrics_host, settings.metrics_port) == ("127.0.0.1", 9100)


async def test_a_taken_metrics_port_stops_the_start_up(
    gateway_settings: Callable[..., GatewaySettings],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        app = create_app(gateway_settings(metrics_port=taken.getsockname()[1]))
        with pytest.raises(OSError):
            async with app.router.lifespan_context(app):
                pass
