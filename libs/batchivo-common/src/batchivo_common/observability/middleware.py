"""One pure-ASGI middleware for request context: id, trace span, metrics, access log.

Pure ASGI (not BaseHTTPMiddleware) so streamed bodies pass through untouched and the overhead stays small.
"""

from __future__ import annotations

import logging
import random
import re
import time

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from batchivo_common.observability.context import request_id
from batchivo_common.observability.metrics import HttpMetrics
from batchivo_common.observability.tracing import extract_context

access_log = logging.getLogger("batchivo.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def route_template(scope: Scope) -> str:
    """The matched route's full path template (bounded label cardinality), else a fixed placeholder.

    FastAPI (0.16x) keeps an included router's routes without their prefix and records the route it chose,
    prefix included, under ``scope["fastapi"]``: read from there, not by matching again (a second walk over
    every route per request, which for included routers never matched, labelling them all "unmatched").
    A plain Starlette route added to the app itself (the gateway's catch-all) is recorded nowhere, so the
    app's own few routes are matched as before."""
    fastapi_scope = scope.get("fastapi", {})
    template = getattr(fastapi_scope.get("effective_route_context"), "path_format", None)
    if isinstance(template, str):
        return template
    route = scope.get("route")
    if route is not None and fastapi_scope.get("included_router") is None:
        return str(getattr(route, "path_format", None) or getattr(route, "path", "unmatched"))
    if fastapi_scope.get("included_router") is not None:
        return "unmatched"
    router = getattr(scope.get("app"), "router", None)
    for candidate in getattr(router, "routes", ()):
        if isinstance(candidate, Route):
            match, _ = candidate.matches(scope)
            if match is Match.FULL:
                return candidate.path
    return "unmatched"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: HttpMetrics, service: str):
        self.app, self.metrics, self.service = app, metrics, service
        self.tracer = trace.get_tracer(f"batchivo.{service}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        incoming = headers.get("x-request-id", "")
        # A new id needs to be unique, not unguessable: 128 random bits without a system call (uuid4 reads
        # os.urandom: 2 % of the gateway's CPU per request, which makes most ids).
        rid = incoming if _REQUEST_ID.match(incoming) else f"{random.getrandbits(128):032x}"
        token = request_id.set(rid)
        status = 500
        started = time.perf_counter()
        path = scope["path"]

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        method = scope["method"]
        with self.tracer.start_as_current_span(
            f"{method} {path}", context=extract_context(headers), kind=SpanKind.SERVER
        ) as span:
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = route_template(scope)
                span.update_name(f"{method} {route}")
                span.set_attribute("http.request.method", method)
                span.set_attribute("http.route", route)
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                self.metrics.observe(method, route, status, elapsed)
                if path not in _QUIET_PATHS:
                    access_log.info(
                        "%s %s %s",
                        method,
                        path,
                        status,
                        extra={"status": status, "duration_ms": round(elapsed * 1000, 2), "route": route},
                    )
                request_id.reset(token)
