"""The HTTP proxy: one pooled aiohttp session per app (see upstream.py), bodies streamed both ways.

Request: hop-by-hop headers are stripped (RFC 9110 §7.6.1, plus any named in ``Connection``), the client's
``X-Forwarded-*``/``Forwarded`` are replaced by what the gateway itself saw (it is the trust boundary; uvicorn
resolves the client address from trusted proxies only), ``X-Request-ID`` is the request's id and
``traceparent``/``tracestate`` continue the gateway's server span. ``X-API-Key`` never leaves the gateway.

Response: status and headers pass through unchanged (so do the services' error bodies), except hop-by-hop
headers, ``Date``/``Server``/``X-Request-ID`` (the gateway's own server and middleware set them) and a
``Location`` that points at the upstream, which is rewritten to the gateway's origin. Bodies up to
``buffer_response_bytes`` with a known length are sent in one piece; others are streamed as they arrive.

Transport failures map to the error format: cannot connect → 503 UNAVAILABLE, timeout → 504
UPSTREAM_TIMEOUT, anything else (reset, malformed response) → 502 UPSTREAM_ERROR.

A request whose connection dies before any response arrives is sent once more on a new connection when
:meth:`Upstream.is_retryable` allows it and its body can be sent again: no body, or a body the gateway read
whole (``bytes``: small bodies with a Content-Length are buffered for this, see main.py). A streamed body is
consumed by the first try and never retried. A failure after the response head arrived is never retried.

Pool hygiene: after a 5xx answer the connection is closed instead of pooled (a service that failed may be
closing it), so the next caller never gets it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from urllib.parse import quote_from_bytes

import aiohttp
import anyio
from batchivo_common.observability.tracing import inject_context
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from yarl import URL

from batchivo_gateway.errors import PayloadTooLarge
from batchivo_gateway.settings import GatewaySettings
from batchivo_gateway.upstream import FAILURES, Attempt, Upstream, upstream_error

logger = logging.getLogger("batchivo.gateway.proxy")

HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
#: Request headers the gateway never forwards as received (it sets its own or strips them).
_REQUEST_DROP = HOP_BY_HOP | {
    b"host",
    b"content-length",
    b"x-api-key",
    b"x-request-id",
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
    b"forwarded",
}
_RESPONSE_DROP = HOP_BY_HOP | {b"date", b"server", b"x-request-id"}
#: Characters left as they are when a query with non-ASCII bytes is percent-encoded for the upstream.
_QUERY_SAFE = "/?%:@!$&'()*+,;=-._~"


def _connection_tokens(raw: Iterable[tuple[bytes, bytes]]) -> frozenset[bytes]:
    tokens: set[bytes] = set()
    for name, value in raw:
        if name == b"connection":
            tokens.update(t.strip().lower() for t in value.split(b","))
    return frozenset(tokens)


def upstream_request_headers(
    raw: list[tuple[bytes, bytes]],
    *,
    client_ip: str | None,
    scheme: str,
    host: bytes | None,
    request_id: str | None,
    authorization: str | None = None,
    content_length: bytes | None = None,
) -> list[tuple[bytes, bytes]]:
    """The headers sent upstream. ``authorization`` replaces the client's (API key → exchanged token)."""
    drop = _REQUEST_DROP
    if any(name == b"connection" for name, _ in raw):
        drop = drop | _connection_tokens(raw)
    if authorization is not None:
        drop = drop | {b"authorization"}
    tracing: dict[str, str] = {}
    inject_context(tracing)
    if tracing:
        drop = drop | {b"traceparent", b"tracestate"}
    headers = [(name, value) for name, value in raw if name not in drop]
    if content_length is not None:
        headers.append((b"content-length", content_length))
    if authorization is not None:
        headers.append((b"authorization", authorization.encode("latin-1")))
    if request_id:
        headers.append((b"x-request-id", request_id.encode("latin-1")))
    if client_ip:
        headers.append((b"x-forwarded-for", client_ip.encode("latin-1")))
    headers.append((b"x-forwarded-proto", scheme.encode("latin-1")))
    if host:
        headers.append((b"x-forwarded-host", host))
    for name, value in tracing.items():
        headers.append((name.encode("latin-1"), value.encode("latin-1")))
    return headers


def response_headers(
    raw: Sequence[tuple[bytes, bytes]], upstream_base: bytes, public_origin: bytes | None
) -> list[tuple[bytes, bytes]]:
    drop = _RESPONSE_DROP
    if any(name == b"connection" for name, _ in raw):
        drop = drop | _connection_tokens(raw)
    headers: list[tuple[bytes, bytes]] = []
    for name, value in raw:
        name = name.lower()
        if name in drop:
            continue
        if name == b"location" and public_origin is not None and value.startswith(upstream_base):
            value = public_origin + value[len(upstream_base) :]
        headers.append((name, value))
    return headers


class UpstreamStreamingResponse(Response):
    """Sends the upstream body as it arrives; stops (and closes the upstream) when the client leaves."""

    def __init__(self, upstream: aiohttp.ClientResponse, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.upstream = upstream
        self.status_code = upstream.status
        self.raw_headers = raw_headers
        self.background = None

    async def _pump(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        content = self.upstream.content
        try:
            while chunk := await content.readany():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except FAILURES as exc:
            # Headers are gone already: end without completing, so the server aborts the connection and
            # the client sees a truncated body rather than a silently short one.
            logger.warning("upstream broke off a response: %s", type(exc).__name__)
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            async with anyio.create_task_group() as tg:

                async def pump() -> None:
                    await self._pump(send)
                    tg.cancel_scope.cancel()

                tg.start_soon(pump)
                while (await receive())["type"] != "http.disconnect":
                    pass
                tg.cancel_scope.cancel()
        finally:
            _finish(self.upstream)


def _finish(upstream: aiohttp.ClientResponse) -> None:
    if upstream.content.at_eof():
        upstream.release()  # fully read: the connection goes back to the pool
    else:
        upstream.close()  # abandoned mid-body: the connection cannot be reused


async def _nonempty(stream: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    async for chunk in stream:
        if chunk:
            yield chunk


def _failed(exc: BaseException) -> Response:
    cause = exc.__cause__
    if isinstance(cause, ClientDisconnect):
        return Response(status_code=400)  # the client left while sending its body; nobody reads this
    if isinstance(cause, PayloadTooLarge):
        raise cause from None  # the body grew past the limit while streamed: the upstream request is aborted
    raise upstream_error(exc) from None


class Proxy:
    def __init__(self, upstream: Upstream, settings: GatewaySettings):
        self.upstream = upstream
        self.buffer_limit = settings.buffer_response_bytes

    async def forward(
        self,
        *,
        method: str,
        base_url: str,
        raw_path: bytes,
        query_string: bytes,
        headers: list[tuple[bytes, bytes]],
        content: bytes | AsyncIterator[bytes] | None,
        public_origin: bytes | None,
    ) -> Response:
        target = base_url + raw_path.decode("ascii")
        if query_string:
            if not query_string.isascii():
                query_string = quote_from_bytes(query_string, safe=_QUERY_SAFE).encode("ascii")
            target += "?" + query_string.decode("ascii")
        body: bytes | AsyncIterator[bytes] | None = (
            _nonempty(content) if content is not None and not isinstance(content, bytes) else content
        )
        # A list, not a CIMultiDict: aiohttp builds its own from it (and would copy one given).
        out = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]
        url = URL(target, encoded=True)
        attempt = Attempt()
        try:
            upstream = await self.upstream.session.request(
                method, url, headers=out, data=body, allow_redirects=False, trace_request_ctx=attempt
            )
        except FAILURES as exc:
            if not (isinstance(body, bytes | None) and self.upstream.is_retryable(exc, method, attempt)):
                return _failed(exc)
            logger.info("upstream connection died before answering, retrying: %s", type(exc).__name__)
            try:
                upstream = await self.upstream.fresh.request(
                    method, url, headers=out, data=body, allow_redirects=False
                )
            except FAILURES as again:
                return _failed(again)
        if upstream.status >= 500:
            # A service that failed may be closing the connection: never pool it for the next caller.
            connection = upstream.connection
            if connection is not None and connection.protocol is not None:
                connection.protocol.force_close()
        out_headers = response_headers(upstream.raw_headers, base_url.encode("ascii"), public_origin)
        length = upstream.content_length
        small = length is not None and length <= self.buffer_limit
        if small or method == "HEAD" or upstream.status in (204, 304):
            try:
                data = await upstream.read()
            except FAILURES as exc:
                raise upstream_error(exc) from None
            finally:
                _finish(upstream)
            response = Response(status_code=upstream.status)
            response.body = data
            response.raw_headers = out_headers
            return response
        return UpstreamStreamingResponse(upstream, out_headers)
