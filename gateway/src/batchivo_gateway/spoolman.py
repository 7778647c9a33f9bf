"""Spoolman's clients put the API key in the server URL: ``/compat/spoolman/<api-key>/api/v1/…``.

Moonraker's ``[spoolman] server:`` is a URL under which it calls ``/api/v1/…`` (and opens its websocket),
and older versions cannot send a header, so the key travels in the path. This pure-ASGI middleware runs
first (outermost, before the request context and its access log): it takes the key segment out of the path
and hands it on as an ``X-API-Key`` header, so the request is admitted like any API-key request (a wrong
or revoked key: 401, nothing else) and routed as ``/compat/spoolman/api/v1/…`` — the form a client sending
``X-API-Key`` itself uses. The key never reaches a log line, a trace span or the upstream's path.

Any segment after ``/compat/spoolman/`` other than ``api`` is taken for a key, wherever the path goes on:
an unknown path under it is still redacted before anything logs it (and answers 404 once admitted).
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

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
