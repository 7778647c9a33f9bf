"""The gateway app: admit (JWT/API key, deny-list, rate limits), route, proxy; plus docs and the SPA.

One catch-all Starlette route (no FastAPI dependency injection on the hot path) runs :meth:`Gateway.handle`;
``/healthz`` and ``/readyz`` come from the shared app factory (its ``/metrics`` is removed: the internal
listener of :mod:`batchivo_gateway.metrics_listener` serves it), ``/api/openapi.json`` from
:mod:`batchivo_gateway.openapi`, ``/api/docs`` (Swagger UI) from :mod:`batchivo_gateway.docs`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import quote_from_bytes

import httpx
from batchivo_common.app import create_service_app, serve_factory
from batchivo_common.auth.scopes import check_scopes
from batchivo_common.auth.tokens import JwksKeySource, TokenVerifier
from batchivo_common.db.tenancy import current_tenant
from batchivo_common.errors import NotFound, Unavailable, error_response
from batchivo_common.observability.context import request_id
from fastapi import FastAPI
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket

from batchivo_gateway import forwarded, limits, routing
from batchivo_gateway.auth import Authenticator
from batchivo_gateway.cors import CorsMiddleware
from batchivo_gateway.denylist import DenyList
from batchivo_gateway.docs import DOCS_PATH, SwaggerUi
from batchivo_gateway.errors import MethodNotAllowed
from batchivo_gateway.metrics_listener import METRICS_PATH, MetricsListener
from batchivo_gateway.openapi import OpenApiAggregator
from batchivo_gateway.proxy import Proxy, upstream_request_headers
from batchivo_gateway.settings import GatewaySettings
from batchivo_gateway.spa import Spa
from batchivo_gateway.spoolman import SOCKET_ROUTE, SpoolmanKeyInPath, relay_socket
from batchivo_gateway.upstream import Upstream

PROXY_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
#: The request headers the gateway itself looks at (read in one pass over the raw list).
_READ_HEADERS = frozenset(
    {b"authorization", b"x-api-key", b"host", b"content-length", b"transfer-encoding", b"x-forwarded-proto"}
)
OWN_PATHS = frozenset({"/healthz", "/readyz", "/api/docs", "/api/openapi.json"})
#: Served only on the internal metrics listener (see metrics_listener.py), never on the public one.
INTERNAL_PATHS = frozenset({METRICS_PATH})
#: Characters left as they are when a raw path with non-ASCII bytes is percent-encoded for the upstream.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def email_from(body: bytes) -> str | None:
    """The ``email`` of a login/register JSON body, if there is one (the service validates the rest)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    email = data.get("email") if isinstance(data, dict) else None
    return email if isinstance(email, str) and email.strip() else None


def too_deep(limit: int) -> Response:
    """422 for a JSON body nested deeper than the gateway parses."""
    message = f"JSON nested deeper than {limit} levels"
    return error_response(
        422,
        f"Invalid request: {message}",
        "VALIDATION_ERROR",
        errors=[{"loc": ["body"], "msg": message, "type": "json_too_deep"}],
    )


@dataclass
class Gateway:
    settings: GatewaySettings
    auth: Authenticator
    proxy: Proxy
    spa: Spa
    openapi: OpenApiAggregator
    #: For the gateway's own calls (API-key exchange, JWKS, OpenAPI documents, readiness); not the proxy's.
    http: httpx.AsyncClient
    #: Upstream name → base URL (None when not configured), resolved once.
    upstreams: dict[str, str | None]
    #: ``GATEWAY_TRUSTED_PROXIES``: peers whose X-Forwarded-For/-Proto are believed.
    trusted_networks: forwarded.Networks = ()

    async def handle(self, request: Request) -> Response:
        scope = request.scope
        path: str = scope["path"]
        method: str = scope["method"]
        route = routing.match(method, path)
        if route is None:
            if path in OWN_PATHS:
                raise MethodNotAllowed("Method not allowed")
            if path in INTERNAL_PATHS or routing.is_api_path(path) or routing.has_dot_segment(path):
                raise NotFound("Resource not found")
            return await self.spa.serve(request)

        raw_headers: list[tuple[bytes, bytes]] = scope["headers"]
        headers = {n.decode("latin-1"): v.decode("latin-1") for n, v in raw_headers if n in _READ_HEADERS}
        client = scope.get("client")
        scheme: str = scope.get("scheme", "http")
        client_ip: str | None = client[0] if client else None
        if self.trusted_networks:
            address = forwarded.resolve(
                client_ip,
                scheme,
                [v.decode("latin-1") for n, v in raw_headers if n == b"x-forwarded-for"],
                headers.get("x-forwarded-proto"),
                self.trusted_networks,
            )
            client_ip, scheme = address.ip, address.scheme
        login: tuple[str, str] | None = None  # (client IP, email) of a login whose outcome is recorded
        rid = request_id.get()
        authorization: str | None = None
        content: bytes | AsyncIterator[bytes] | None = None
        content_length = headers.get("content-length")
        declared = limits.declared_length(content_length)
        chunked = declared is None and "transfer-encoding" in headers
        limit = self.settings.max_body_bytes
        if (chunked or (declared is not None and declared > limit)) and routing.is_upload(method, path):
            limit = self.settings.max_upload_bytes
        if declared is not None and declared > limit:
            raise limits.too_large(limit)  # before reading a byte of it, and before any other work

        if not route.public:
            principal, token, exchanged = await self.auth.authenticate(headers, rid)
            current_tenant.set(principal.tenant_id)  # log lines of this request carry the tenant
            await self.auth.admit(principal)
            # An API key's write without the service's write scope stops here (each service checks again).
            check_scopes(method, route.upstream, principal.scopes)
            if exchanged:
                authorization = f"Bearer {token}"
        elif route.credential_route is not None:
            try:
                body = await limits.read_limited(request, min(limit, self.settings.max_login_body_bytes))
            except ClientDisconnect:
                return Response(status_code=400)  # the client left while sending its body; nobody reads this
            if limits.json_depth_exceeds(body, self.settings.max_json_depth):
                return too_deep(self.settings.max_json_depth)
            email = email_from(body)
            await self.auth.admit_credentials(route.credential_route, client_ip or "unknown", email)
            if (
                route.credential_route == "login"
                and email
                and await self.auth.admit_login(client_ip or "unknown", email)
            ):
                login = (client_ip or "unknown", email)
            content, content_length = body, str(len(body))

        base_url = self.upstreams.get(route.upstream)
        if not base_url:
            raise Unavailable(f"The {route.upstream} service is not configured")
        if content is None and (chunked or (declared is not None and declared > 0)):
            if declared is not None and declared <= self.settings.retry_buffer_bytes:
                try:
                    content = await limits.read_limited(request, limit)  # bytes can be sent again (retry)
                except ClientDisconnect:
                    return Response(status_code=400)
            else:
                content = limits.limited_stream(request.stream(), limit)

        raw_path: bytes = scope.get("raw_path") or path.encode()
        if not raw_path.isascii():
            raw_path = quote_from_bytes(raw_path, safe=_PATH_SAFE).encode("ascii")
        host = headers.get("host")
        upstream_headers = upstream_request_headers(
            raw_headers,
            client_ip=client_ip,
            scheme=scheme,
            host=host.encode("latin-1") if host else None,
            request_id=rid,
            authorization=authorization,
            content_length=content_length.encode("latin-1") if content_length is not None else None,
        )
        pending = self.proxy.forward(
            method=method,
            base_url=base_url,
            raw_path=raw_path,
            query_string=scope.get("query_string", b""),
            headers=upstream_headers,
            content=content,
            public_origin=f"{scheme}://{host}".encode("latin-1") if host else None,
        )
        if login is None:
            return await pending
        try:
            response = await pending
        except BaseException:
            await self.auth.record_login(*login, 0)  # frees the probe slot; counts nothing
            raise
        await self.auth.record_login(*login, response.status_code)
        return response


def _gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


def _readiness_checks(settings: GatewaySettings) -> list[Callable[[FastAPI], Awaitable[None]]]:
    async def redis(app: FastAPI) -> None:
        await app.state.gateway.auth.redis.ping()

    checks: list[Callable[[FastAPI], Awaitable[None]]] = [redis]
    for name, url in settings.configured_upstreams.items():

        async def upstream(app: FastAPI, url: str = url) -> None:
            client: httpx.AsyncClient = app.state.gateway.http
            response = await client.get(f"{url}/healthz", timeout=2)
            response.raise_for_status()

        upstream.__name__ = f"upstream_{name}"
        checks.append(upstream)
    return checks


def create_http_client(settings: GatewaySettings) -> httpx.AsyncClient:
    """The httpx client for the gateway's own few calls to the services (the proxy uses :class:`Upstream`)."""
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(
            connect=settings.upstream_connect_timeout,
            read=settings.upstream_read_timeout,
            write=settings.upstream_write_timeout,
            pool=settings.upstream_pool_timeout,
        ),
        limits=httpx.Limits(
            max_connections=settings.upstream_max_connections,
            max_keepalive_connections=settings.upstream_max_keepalive,
            keepalive_expiry=settings.upstream_keepalive_expiry,
        ),
        follow_redirects=False,
        trust_env=False,  # never send service-to-service traffic through an environment proxy
    )
    # No client-wide defaults (Accept-Encoding, User-Agent ...).
    for name in list(client.headers):
        del client.headers[name]
    # httpx keeps the Set-Cookie of every response and sends it on later requests: a shared client would
    # hand one caller's cookies to the next. A jar that accepts no cookie keeps them out.
    client.cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return client


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        metrics = MetricsListener(app.state.metrics, settings.metrics_host, settings.metrics_port)
        await metrics.start()  # first: a port already taken stops the start-up before anything else opens
        app.state.metrics_listener = metrics
        client = create_http_client(settings)
        upstream = Upstream(settings)
        redis = Redis.from_url(
            settings.redis_url,
            socket_timeout=settings.redis_socket_timeout,
            socket_connect_timeout=settings.redis_socket_timeout,
            retry=Retry(NoBackoff(), 1),  # one retry for a stale pooled connection, no back-off
        )
        keys = JwksKeySource(settings.jwks_url, ttl_seconds=settings.jwks_cache_seconds, client=client)
        verifier = TokenVerifier(keys, settings.jwt_issuer, settings.jwt_audience)
        deny_list = DenyList(
            settings.redis_url,
            settings.redis_prefix,
            ping_seconds=settings.deny_list_ping_seconds,
            timeout=max(settings.redis_socket_timeout, 1.0),
        )
        deny_list.start()
        app.state.gateway = Gateway(
            settings=settings,
            auth=Authenticator(settings, verifier, redis, client, deny_list),
            proxy=Proxy(upstream, settings),
            spa=Spa(settings.frontend_dist),
            openapi=OpenApiAggregator(client, settings.configured_upstreams, settings.openapi_cache_seconds),
            upstreams=settings.upstreams,
            http=client,
            trusted_networks=settings.trusted_networks,
        )
        try:
            yield
        finally:
            await deny_list.stop()
            await metrics.stop()
            await upstream.aclose()
            await client.aclose()
            await redis.aclose()

    app = create_service_app(
        settings,
        service="gateway",
        title="Batchivo gateway",
        lifespan=lifespan,
        readiness_checks=_readiness_checks(settings),
        check_input=False,  # bodies stream through; each service checks its own input (ADR 0007)
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )

    # /metrics is for Prometheus only: the internal listener serves it (see metrics_listener.py).
    app.router.routes[:] = [r for r in app.router.routes if getattr(r, "path", None) != METRICS_PATH]
    app.add_middleware(
        CorsMiddleware,
        origins=settings.cors_origins,
        allow_credentials=settings.cors_allow_credentials,
        max_age=settings.cors_max_age,
    )
    # Outermost: a key in a Spoolman client's path is out of it before anything logs the path.
    app.add_middleware(SpoolmanKeyInPath)

    async def openapi_document(request: Request) -> Response:
        return JSONResponse(await _gateway(request).openapi.document())

    async def handle(request: Request) -> Response:
        return await _gateway(request).handle(request)

    app.add_route("/api/openapi.json", openapi_document, methods=["GET"], include_in_schema=False)
    swagger = SwaggerUi()
    app.add_route(DOCS_PATH, swagger.page, methods=["GET"], include_in_schema=False)
    app.add_route(f"{DOCS_PATH}/{{name}}", swagger.asset, methods=["GET"], include_in_schema=False)
    app.add_route("/{path:path}", handle, methods=PROXY_METHODS, include_in_schema=False)

    async def spoolman_socket(websocket: WebSocket) -> None:
        gateway: Gateway = websocket.app.state.gateway
        upstream = gateway.upstreams.get("inventory")
        await relay_socket(websocket, gateway.auth, gateway.proxy.upstream.session, upstream)

    app.add_api_websocket_route(SOCKET_ROUTE, spoolman_socket)
    return app


def run() -> None:
    settings = GatewaySettings()
    serve_factory(
        "batchivo_gateway.main:create_app",
        host=settings.host,
        port=settings.port,
        # The gateway reads forwarded headers itself, from GATEWAY_TRUSTED_PROXIES only (forwarded.py).
        proxy_headers=False,
    )
