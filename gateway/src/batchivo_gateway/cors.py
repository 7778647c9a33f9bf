"""CORS at the gateway: an allowlist of origins per environment (``GATEWAY_CORS_ORIGINS``), none by default.

- A request without ``Origin``, or from an origin not on the list, gets no CORS header at all (the SPA is
  served by the gateway itself, so its own calls are same-origin and need none); with a list configured
  every answer carries ``Vary: Origin``.
- A request from a listed origin gets ``Access-Control-Allow-Origin: <that origin>`` (and ``Vary: Origin``),
  plus ``Access-Control-Allow-Credentials: true`` when ``GATEWAY_CORS_ALLOW_CREDENTIALS`` is on. With ``*``
  on the list any origin gets ``Access-Control-Allow-Origin: *`` and never credentials (the settings refuse
  ``*`` together with credentials).
- Preflights (``OPTIONS`` with ``Access-Control-Request-Method``) never reach a service: a listed origin gets
  204 with the allowed methods and headers, any other 403 FORBIDDEN in the error format.
- Headers the services might set themselves (``Access-Control-*``) are replaced by the gateway's.
"""

from __future__ import annotations

from collections.abc import Sequence

from batchivo_common.errors import error_response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW_METHODS = b"GET, HEAD, POST, PUT, PATCH, DELETE"
ALLOW_HEADERS = b"Authorization, Content-Type, Idempotency-Key, If-Match, X-API-Key, X-Request-ID"
EXPOSE_HEADERS = b"X-Request-ID, Retry-After, Location, Idempotent-Replayed, ETag, X-Next-Cursor, Link"
_PREFLIGHT_VARY = b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


class CorsMiddleware:
    def __init__(
        self, app: ASGIApp, *, origins: Sequence[str], allow_credentials: bool, max_age: int
    ) -> None:
        self.app = app
        self.any_origin = "*" in origins
        self.origins = frozenset(o.encode("latin-1") for o in origins if o != "*")
        self.credentials = allow_credentials and not self.any_origin
        self.max_age = str(max_age).encode()

    def allowed(self, origin: bytes) -> list[tuple[bytes, bytes]] | None:
        """The CORS headers for a request from ``origin``, or None when it is not allowed."""
        if origin in self.origins:
            headers = [(b"access-control-allow-origin", origin), (b"vary", b"Origin")]
            if self.credentials:
                headers.append((b"access-control-allow-credentials", b"true"))
            return headers
        if self.any_origin:
            return [(b"access-control-allow-origin", b"*")]
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin: bytes | None = None
        preflight = False
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                preflight = True
        cors = self.allowed(origin) if origin is not None else None
        if preflight and origin is not None and scope["method"] == "OPTIONS":
            await self.preflight(cors, scope, receive, send)
            return
        if cors is not None:
            cors.append((b"access-control-expose-headers", EXPOSE_HEADERS))
        elif self.origins:
            cors = [(b"vary", b"Origin")]  # the answer depends on the origin: caches must know
        else:
            await self.app(scope, receive, send)
            return
        extra = cors

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(n, v) for n, v in message.get("headers", ()) if not n.startswith(b"access-control-")]
                message["headers"] = kept + extra
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def preflight(
        self, cors: list[tuple[bytes, bytes]] | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if cors is None:
            response = error_response(403, "This origin may not call the API", "FORBIDDEN")
            response.raw_headers.append((b"vary", _PREFLIGHT_VARY))
            await response(scope, receive, send)
            return
        headers = [(n, v) for n, v in cors if n != b"vary"]
        headers += [
            (b"access-control-allow-methods", ALLOW_METHODS),
            (b"access-control-allow-headers", ALLOW_HEADERS),
            (b"access-control-max-age", self.max_age),
            (b"vary", _PREFLIGHT_VARY),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
