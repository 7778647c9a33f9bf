"""The gateway's ``/metrics`` on a second, internal listener: ``GATEWAY_METRICS_HOST``, ``_PORT``.

The public listener is what the internet reaches; request counts per route and process details are for
Prometheus only, so the public app does not serve ``/metrics`` (404) and this small aiohttp server, started
and stopped by the app's lifespan, serves nothing else. Deployments expose its port to Prometheus only (the
chart's NetworkPolicy, compose's internal network). One listener per process: run one gateway process per
container (as the chart and compose do), not several uvicorn workers.
"""

from __future__ import annotations

from aiohttp import web
from batchivo_common.errors import error_body
from batchivo_common.observability.metrics import HttpMetrics
from prometheus_client import CONTENT_TYPE_LATEST

METRICS_PATH = "/metrics"


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(error_body(status, detail), status=status, headers=headers)


class MetricsListener:
    def __init__(self, metrics: HttpMetrics, host: str, port: int) -> None:
        self.metrics, self.host, self.requested_port = metrics, host, port
        self._runner: web.AppRunner | None = None
        #: The bound port (the requested one, or the one the system chose for port 0).
        self.port: int | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        if request.path != METRICS_PATH:
            return _error(404, "Resource not found")
        if request.method not in ("GET", "HEAD"):
            return _error(405, "Method not allowed", {"Allow": "GET, HEAD"})
        response = web.Response(body=self.metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
