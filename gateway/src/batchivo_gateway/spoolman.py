"""Spoolman's clients put the API key in the server URL: ``/compat/spoolman/<api-key>/api/v1/…``.

Moonraker's ``[spoolman] server:`` is a URL under which it calls ``/api/v1/…`` (and opens its websocket),
and older versions cannot send a header, so the key travels in the path. This pure-ASGI middleware runs
first (outermost, before the request context and its access log): it takes the key segment out of the path
and hands it on as an ``X-API-Key`` header, so the request is admitted like any API-key request (a wrong
or revoked key: 401, nothing else) and routed as ``/compat/spoolman/api/v1/…`` — the form a client sending
``X-API-Key`` itself uses. The key never reaches a log line, a trace span or the upstream's path.

Any segment after ``/compat/spoolman/`` other than ``api`` is taken for a key, wherever the path goes on:
an unknown path under it is still redacted before anything logs it (and answers 404 once admitted).

:func:`relay_socket` serves Spoolman's websockets (``…/api/v1/spool``, ``/filament``, ``/vendor``): the
handshake is admitted like a request, then messages are relayed to and from the inventory's socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import re

import aiohttp
from batchivo_common.db.tenancy import current_tenant
from batchivo_common.errors import AppError, NotFound, Unauthenticated, Unavailable, error_response
from starlette import status
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState

from batchivo_gateway.auth import Authenticator

PREFIX = "/compat/spoolman"
_KEYED = re.compile(r"^/compat/spoolman/([^/]+)(/.*)?$")
_KEYED_RAW = re.compile(rb"^/compat/spoolman/[^/]+(/.*)?$")


def split_key(path: str) -> tuple[str, str] | None:
    """``/compat/spoolman/<key>/api/v1/spool`` → (``<key>``, ``/compat/spoolman/api/v1/spool``); None for any
    path without a key segment (including ``/compat/spoolman/api/…``, the header form)."""
    match = _KEYED.match(path)
    if match is None or match.group(1) == "api":
        return None
    return match.group(1), PREFIX + (match.group(2) or "")


def _raw_without_key(raw_path: bytes, fallback: str) -> bytes:
    match = _KEYED_RAW.match(raw_path)
    if match is None:  # pragma: no cover - raw_path and path name the same request
        return fallback.encode("utf-8")
    return PREFIX.encode() + (match.group(1) or b"")


class SpoolmanKeyInPath:
    """Moves a path-embedded API key of ``/compat/spoolman/<key>/…`` into ``X-API-Key`` (see the module)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope["path"].startswith(PREFIX + "/"):
            split = split_key(scope["path"])
            if split is not None:
                key, path = split
                headers = [(n, v) for n, v in scope["headers"] if n != b"x-api-key"]
                headers.append((b"x-api-key", key.encode("utf-8")))
                scope = {
                    **scope,
                    "path": path,
                    "raw_path": _raw_without_key(scope.get("raw_path") or scope["path"].encode(), path),
                    "headers": headers,
                }
        await self.app(scope, receive, send)


# --- the websocket ---------------------------------------------------------------------------------------

#: The websockets Spoolman serves (Moonraker keeps ``…/spool`` open and reports usage only while it is).
SOCKET_ROUTE = "/compat/spoolman/api/v1/{resource}"
#: Seconds between the gateway's pings to the upstream socket (a dead upstream is noticed and closed).
HEARTBEAT_SECONDS = 20.0
_CREDENTIAL_HEADERS = frozenset({b"authorization", b"x-api-key"})


async def _refuse(websocket: WebSocket, error: AppError) -> None:
    """Refuse the handshake with the project's error body when the server can send one (401, 429, 503 ...),
    else by closing it (the client sees 403)."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(
            error_response(error.status_code, error.detail, error.code, headers=error.headers)
        )
    else:  # pragma: no cover - uvicorn's websocket servers all offer the extension
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)


async def relay_socket(
    websocket: WebSocket, auth: Authenticator, session: aiohttp.ClientSession, base_url: str | None
) -> None:
    """Admit the handshake like any API request (JWT or API key: wrong or revoked → refused with 401), then
    relay messages both ways between the client and the inventory's socket of the same path until either
    side closes."""
    scope = websocket.scope
    headers = {
        n.decode("latin-1"): v.decode("latin-1") for n, v in scope["headers"] if n in _CREDENTIAL_HEADERS
    }
    try:
        principal, token, _ = await auth.authenticate(headers)
        current_tenant.set(principal.tenant_id)
        await auth.admit(principal)
        if not base_url:
            raise Unavailable("The inventory service is not configured")
    except AppError as exc:
        await _refuse(websocket, exc)
        return
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    url = "ws" + base_url.removeprefix("http") + raw_path.decode("latin-1")
    try:
        upstream = await session.ws_connect(
            url, headers={"Authorization": f"Bearer {token}"}, heartbeat=HEARTBEAT_SECONDS
        )
    except aiohttp.WSServerHandshakeError as exc:
        await _refuse(websocket, _handshake_error(exc.status))
        return
    except (aiohttp.ClientError, OSError, TimeoutError):
        await _refuse(websocket, Unavailable("The inventory service is unavailable"))
        return
    async with upstream:
        await websocket.accept()
        await _pump(websocket, upstream)


def _handshake_error(status_code: int) -> AppError:
    if status_code == 404:
        return NotFound("Resource not found")
    if status_code in (401, 403):
        return Unauthenticated("Not admitted")
    return Unavailable(f"The inventory socket answered {status_code}")


async def _pump(websocket: WebSocket, upstream: aiohttp.ClientWebSocketResponse) -> None:
    async def to_client() -> None:
        async for message in upstream:
            if message.type == aiohttp.WSMsgType.TEXT:
                await websocket.send_text(message.data)
            elif message.type == aiohttp.WSMsgType.BINARY:
                await websocket.send_bytes(message.data)
            else:
                return

    async def to_upstream() -> None:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                await upstream.send_str(message["text"])
            elif message.get("bytes") is not None:
                await upstream.send_bytes(message["bytes"])

    tasks = [asyncio.create_task(to_client()), asyncio.create_task(to_upstream())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if websocket.client_state == WebSocketState.CONNECTED:
        with contextlib.suppress(RuntimeError, OSError):
            await websocket.close(code=upstream.close_code or status.WS_1000_NORMAL_CLOSURE)
