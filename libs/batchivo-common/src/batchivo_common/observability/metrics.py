"""Prometheus metrics: request counts and latency per route template, and the /metrics endpoint."""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.requests import Request
from starlette.responses import Response


class HttpMetrics:
    """One set per app, registered in its own registry so several apps can live in one test process."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None):
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "batchivo_http_requests_total",
            "HTTP requests by route template and status.",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "batchivo_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["service", "method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.service = service

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(self.service, method, route, str(status)).inc()
        self.latency.labels(self.service, method, route).observe(seconds)

    def exposition(self) -> bytes:
        """This app's metrics and the default registry's, in the Prometheus text format."""
        # The default registry carries the process/platform collectors (and any library metrics).
        return generate_latest(self.registry) + generate_latest(REGISTRY)

    async def endpoint(self, _: Request) -> Response:
        return Response(self.exposition(), media_type=CONTENT_TYPE_LATEST)
