"""The app factory every service and the gateway start from.

``create_service_app`` gives a FastAPI app with the project's error format on every error, request
context (id, trace, metrics, access log), ``/healthz`` (process alive), ``/readyz`` (every readiness
check passes) and ``/metrics``. The caller adds routers and start-up/shut-down work through ``lifespan``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from batchivo_common.db.errors import install_database_error_handlers
from batchivo_common.errors import UnhandledErrorGuard, error_response, install_error_handlers
from batchivo_common.idempotency import idempotency_store, install_idempotency
from batchivo_common.input_checks import InputGuardMiddleware
from batchivo_common.observability.logging import configure_logging
from batchivo_common.observability.metrics import HttpMetrics
from batchivo_common.observability.middleware import RequestContextMiddleware
from batchivo_common.observability.tracing import configure_tracing
from batchivo_common.settings import CommonSettings

ReadinessCheck = Callable[[FastAPI], Awaitable[None]]
#: Where every service's public API lives.
API_PREFIX = "/api/v1"
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def operation_id(route: APIRoute) -> str:
    """``<tag>-<name>``: stable ids for generated clients."""
    tag = str(route.tags[0]) if route.tags else "default"
    return f"{tag}-{route.name}"


def include_api(app: FastAPI, routers: Sequence[APIRouter], *, prefix: str = API_PREFIX) -> None:
    """Include each feature router in ``app`` under ``prefix``, in order (the order the OpenAPI lists them).

    Directly, not through one ``/api/v1`` router that includes them all: FastAPI (0.16x) matches included
    routers level by level, scanning each level's routes twice, so a level less halves the routing time of
    every request (30 µs of a spool's GET; bench/README.md, issue 14)."""
    for router in routers:
        app.include_router(router, prefix=prefix)


def create_service_app(
    settings: CommonSettings,
    *,
    service: str,
    title: str,
    lifespan: Lifespan | None = None,
    readiness_checks: Sequence[ReadinessCheck] = (),
    configure_process: bool = True,
    check_input: bool = True,
    max_body_bytes: int | None = None,
    body_limit_overrides: Mapping[str | re.Pattern[str], int] | None = None,
    idempotency: bool = False,
    **fastapi_kwargs: Any,
) -> FastAPI:
    """``check_input``: refuse unstorable text, deep JSON and big bodies before routing
    (:class:`~batchivo_common.input_checks.InputGuardMiddleware`); every service keeps it on, the gateway
    (which streams bodies through) turns it off. ``max_body_bytes`` overrides ``settings.max_body_bytes``
    for the whole app; ``body_limit_overrides`` maps a path prefix or a full-path ``re.Pattern`` to its own
    limit (upload routes).
    ``idempotency``: open a Redis client for the lifespan and honour ``Idempotency-Key`` on the routes that
    depend on :data:`~batchivo_common.idempotency.Idempotent` (docs/adr/0011-idempotency-keys.md)."""
    if configure_process:
        configure_logging(service, settings.log_level)
        configure_tracing(service, settings.otel_endpoint, settings.otel_sample_ratio)

    @asynccontextmanager
    async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if idempotency:
                app.state.idempotency = await stack.enter_async_context(idempotency_store(settings))
            if lifespan is not None:
                await stack.enter_async_context(lifespan(app))
            yield

    # RequestContextMiddleware makes the one server span per request; FastAPI's own telemetry would add
    # several more (route, dependencies) to each. A caller may still turn it on.
    fastapi_kwargs.setdefault("telemetry", {"tracing": False, "metrics": False, "logs": False})
    app = FastAPI(
        title=title,
        lifespan=_lifespan,
        generate_unique_id_function=operation_id,
        **fastapi_kwargs,
    )
    app.state.settings = settings
    #: Which write scope an API key needs here (batchivo_common.auth.scopes; read by get_principal).
    app.state.service = service
    install_error_handlers(app)
    install_database_error_handlers(app)
    metrics = HttpMetrics(service)
    app.state.metrics = metrics
    # Innermost first: input checks, then the guard that makes any unhandled error a 500 that keeps the
    # connection, then request context (so the guard's log line has the request id).
    if idempotency:
        install_idempotency(app)
    if check_input:
        app.add_middleware(
            InputGuardMiddleware,
            max_body_bytes=max_body_bytes or settings.max_body_bytes,
            max_json_depth=settings.max_json_depth,
            body_limit_overrides=body_limit_overrides,
        )
    app.add_middleware(UnhandledErrorGuard)
    app.add_middleware(RequestContextMiddleware, metrics=metrics, service=service)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        failures: dict[str, str] = {}
        for check in readiness_checks:
            try:
                await check(app)
            except Exception as exc:  # a readiness probe reports, it never raises
                failures[getattr(check, "__name__", "check")] = type(exc).__name__
        if failures:
            return error_response(
                503, f"Not ready: {', '.join(sorted(failures))}", "UNAVAILABLE", checks=failures
            )
        return JSONResponse({"status": "ready"})

    app.add_route("/metrics", metrics.endpoint, include_in_schema=False)
    return app


def serve_factory(factory: str, *, host: str, port: int, **uvicorn_options: Any) -> None:
    """Run an app factory (``"pkg.module:create_app"``) under uvicorn: the console scripts' body.

    The app configures JSON logging itself and writes one access line per request from its middleware, so
    uvicorn's own log config and access log are off.
    """
    import uvicorn

    options: dict[str, Any] = {"log_config": None, "access_log": False, "proxy_headers": True}
    options.update(uvicorn_options)
    uvicorn.run(factory, factory=True, host=host, port=port, **options)
