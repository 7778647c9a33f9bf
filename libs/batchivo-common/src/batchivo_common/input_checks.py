"""Input checks every service applies before a request reaches its routes.

PostgreSQL ``text`` and ``jsonb`` cannot hold NUL (``\\u0000``), and a lone UTF-16 surrogate (``\\ud800``)
has no UTF-8 form at all: either one reaching the driver fails the request deep inside the database layer.
:class:`InputGuardMiddleware` refuses them up front with a 422 naming the field, wherever they come in:
any string (or object key) of a JSON body, any query parameter, the path. It also bounds the body
(``413 PAYLOAD_TOO_LARGE``, checked from ``Content-Length`` before reading and while reading) and the
nesting depth of a JSON body (422, checked without recursion before anything parses it).

The checks are plain functions (:func:`json_depth_exceeds`, :func:`find_unstorable_text`,
:func:`unstorable_reason`) so they are tested without a server; the middleware is pure ASGI and adds no
cost to a request whose body and query hold nothing suspicious (a few byte searches).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from batchivo_common.errors import error_response

#: A JSON string literal (escapes included); removed before brackets are counted.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
#: Keeps only brackets, as ``(`` and ``)``.
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
#: Bytes that may spell NUL or a surrogate in a JSON body: the escapes ``\u0000`` and ``\ud800``-``\udfff``
#: (any case) or a surrogate encoded straight into the bytes (``ED A0..BF ..``, which Python's JSON decoder
#: lets through). A hit only means "look closer": an escaped backslash before ``u0000`` is harmless text.
_SUSPECT_JSON = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])|\xed[\xa0-\xbf]|\x00")
_SURROGATE = re.compile("[\ud800-\udfff]")

NUL_MESSAGE = "Text must not contain NUL (\\u0000) characters"
SURROGATE_MESSAGE = "Text must not contain unpaired UTF-16 surrogates"
#: The ``type`` of a validation error for such text.
UNSTORABLE = "string_unstorable"


def unstorable_reason(text: str) -> str | None:
    """Why PostgreSQL cannot store ``text``, or None when it can."""
    if "\x00" in text:
        return NUL_MESSAGE
    if _SURROGATE.search(text):
        return SURROGATE_MESSAGE
    return None


def json_depth_exceeds(body: bytes, max_depth: int) -> bool:
    """Whether the JSON text ``body`` nests arrays/objects deeper than ``max_depth``.

    No parsing and no recursion (a deep body would exhaust Python's stack in ``json.loads``): strings are
    blanked out, brackets kept, and each pass of ``replace(b"()", b"")`` peels one innermost layer. Text
    that is not balanced JSON is left for the JSON parser to refuse.
    """
    if body.count(b"[") + body.count(b"{") <= max_depth:
        return False
    brackets = _JSON_STRING.sub(b"", body).translate(_BRACKETS, _NOT_BRACKETS)
    for _ in range(max_depth):
        peeled = brackets.replace(b"()", b"")
        if len(peeled) == len(brackets):
            return False  # nothing left to peel: within the depth, or not balanced (the parser decides)
        brackets = peeled
    return b"()" in brackets


def find_unstorable_text(value: Any) -> tuple[list[str | int], str] | None:
    """The path to the first string (or object key) in a decoded JSON ``value`` PostgreSQL cannot store,
    with the reason; None when there is none. Iterative: depth is bounded by the caller anyway."""
    stack: list[tuple[list[str | int], Any]] = [([], value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if reason := unstorable_reason(item):
                return path, reason
        elif isinstance(item, dict):
            children: list[tuple[list[str | int], Any]] = []
            for key, child in item.items():
                if reason := unstorable_reason(key):
                    return [*path, key], reason
                children.append(([*path, key], child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(([*path, index], child) for index, child in reversed(list(enumerate(item))))
    return None


def _body_kind(headers: Headers) -> str:
    """``json`` (no content type, application/json or application/*+json: what FastAPI may parse as JSON),
    ``form`` (urlencoded) or ``other`` (streamed through, only counted)."""
    content_type = headers.get("content-type")
    if not content_type:
        return "json"
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or (media.startswith("application/") and media.endswith("+json")):
        return "json"
    return "form" if media == "application/x-www-form-urlencoded" else "other"


def _query_problems(query_string: bytes) -> Iterator[tuple[str, str]]:
    lowered = query_string.lower()
    if b"%00" not in lowered and b"\x00" not in lowered:
        return
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if reason := unstorable_reason(name) or unstorable_reason(value):
            yield name, reason


def _path_parameter(scope: Scope) -> list[str | int]:
    """``["path", <name>]`` of the route parameter holding a NUL, else ``["path"]``."""
    router = getattr(scope.get("app"), "router", None)
    for route in getattr(router, "routes", ()):
        match, child = route.matches(scope)
        if match is not Match.NONE:
            for name, value in child.get("path_params", {}).items():
                if isinstance(value, str) and unstorable_reason(value):
                    return ["path", name]
    return ["path"]


def validation_error(loc: list[str | int], msg: str, type_: str) -> tuple[int, dict[str, Any]]:
    where = ".".join(str(p) for p in loc if p != "body") or "body"
    return 422, {
        "detail": f"Invalid request: {where}: {msg}",
        "code": "VALIDATION_ERROR",
        "errors": [{"loc": loc, "msg": msg, "type": type_}],
    }


class PayloadTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed (non-JSON) body passes the limit.

    An ``HTTPException`` because FastAPI lets those through from body reading (anything else becomes a
    400), so the app's error handler answers it in the project's format."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request body larger than {limit} bytes")


class InputGuardMiddleware:
    """Refuses what no service can store or should read (see the module doc) before routing.

    ``max_body_bytes`` applies to every request; ``body_limit_overrides`` maps a path prefix (``str``; the
    longest matching prefix wins) or a full-path pattern (``re.Pattern``, checked first, in order) to its
    own limit, for upload routes: a pattern such as ``/api/v1/products/[^/]+/images`` raises the limit of
    one route only, where a prefix would raise it for every route under it. JSON bodies are read whole
    (they are read whole by FastAPI anyway), checked, and replayed to the app, and so are urlencoded
    forms; other bodies (uploads) stream through a byte count.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_json_depth: int,
        body_limit_overrides: Mapping[str | re.Pattern[str], int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth
        overrides = (body_limit_overrides or {}).items()
        self.patterns = [(k, limit) for k, limit in overrides if isinstance(k, re.Pattern)]
        self.overrides = sorted(
            ((k, limit) for k, limit in overrides if isinstance(k, str)), key=lambda kv: -len(kv[0])
        )

    def body_limit(self, path: str) -> int:
        for pattern, limit in self.patterns:
            if pattern.fullmatch(path):
                return limit
        for prefix, limit in self.overrides:
            if path.startswith(prefix):
                return limit
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if unstorable_reason(path):
            loc = _path_parameter(scope)
            await self._refuse(scope, receive, send, *validation_error(loc, NUL_MESSAGE, UNSTORABLE))
            return
        for name, reason in _query_problems(scope.get("query_string", b"")):
            await self._refuse(scope, receive, send, *validation_error(["query", name], reason, UNSTORABLE))
            return

        headers = Headers(scope=scope)
        limit = self.body_limit(path)
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        if declared in (None, "0") and "transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body
            return
        kind = _body_kind(headers)
        if kind == "other":
            await self.app(scope, self._counting(receive, limit), send)
        else:
            await self._buffered(scope, receive, send, limit, kind)

    def _counting(self, receive: Receive, limit: int) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLarge(limit)
            return message

        return counted

    async def _buffered(self, scope: Scope, receive: Receive, send: Send, limit: int, kind: str) -> None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                await self.app(scope, _replay(b"", receive, first=message), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(scope, receive, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = self.check_json(body) if kind == "json" else self.check_form(body)
        if problem is not None:
            await self._refuse(scope, receive, send, *problem)
            return
        await self.app(scope, _replay(body, receive), send)

    @staticmethod
    def check_form(body: bytes) -> tuple[int, dict[str, Any]] | None:
        """A 422 for a urlencoded form field holding text PostgreSQL cannot store; else None."""
        for name, reason in _query_problems(body):
            return validation_error(["body", name], reason, UNSTORABLE)
        return None

    def check_json(self, body: bytes) -> tuple[int, dict[str, Any]] | None:
        """A 422 for a JSON body nested too deep or holding text PostgreSQL cannot store; else None."""
        if not body:
            return None
        if json_depth_exceeds(body, self.max_json_depth):
            msg = f"JSON nests deeper than {self.max_json_depth} levels"
            return validation_error(["body"], msg, "json_too_deep")
        if not _SUSPECT_JSON.search(body):
            return None
        try:
            value = json.loads(body)
        except UnicodeDecodeError:
            return validation_error(["body"], "Body is not valid UTF-8", "json_invalid")
        except ValueError:
            return None  # not JSON: FastAPI answers its own 422
        found = find_unstorable_text(value)
        if found is None:
            return None
        path, reason = found
        return validation_error(["body", *path], reason, UNSTORABLE)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        # Answered without reading the rest; the server discards what is still coming and keeps the
        # connection. ("Connection: close" would cut off a client still writing its body, e.g. the
        # gateway streaming it, which then sees a broken pipe instead of this 413.)
        body = {"detail": f"Request body larger than {limit} bytes", "code": "PAYLOAD_TOO_LARGE"}
        await self._refuse(scope, receive, send, 413, body)

    @staticmethod
    async def _refuse(
        scope: Scope,
        receive: Receive,
        send: Send,
        status: int,
        body: dict[str, Any],
        headers: Mapping[str, str] | None = None,
    ) -> None:
        extra = {k: v for k, v in body.items() if k not in ("detail", "code")}
        response = error_response(status, body["detail"], body["code"], headers=headers, **extra)
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive, first: Message | None = None) -> Receive:
    """A ``receive`` that hands out the already-read ``body`` once, then defers to the real one."""
    pending: list[Message] = (
        [first] if first is not None else [{"type": "http.request", "body": body, "more_body": False}]
    )

    async def replay() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replay
