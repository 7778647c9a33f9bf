"""The proxy's upstream client: one aiohttp session (pool and C HTTP parser) per app, and its failures.

aiohttp is used as a plain byte pipe: no cookie jar (one shared session would hand one user's cookies to the
next), no default headers, no decompression, no redirects, no environment proxies, and URLs are sent exactly
as given (``encoded=True``: the client's raw path and query are never re-quoted). The session is created on
first use, inside the running event loop, and closed by the app's lifespan.

:func:`upstream_error` turns aiohttp's failures into the gateway's error format: cannot connect (including a
connect timeout and waiting too long for a pooled connection) → 503 UNAVAILABLE, read timeout → 504
UPSTREAM_TIMEOUT, anything else (reset, malformed response) → 502 UPSTREAM_ERROR.

Dead keep-alive connections: a service may close a pooled connection at any time (idle timeout, restart, or
after an unhandled error). A request that meets such a connection fails before any response arrives; the
proxy sends it once more on a new connection (see :meth:`Upstream.is_retryable` and proxy.py). aiohttp's own
retry (idempotent methods only, through the same pool, so possibly onto another dead connection) is off: the
proxy owns the one retry. To know whether a failed request went out on a reused connection, every request
carries an :class:`Attempt` that a trace hook marks when the pool hands out a kept-alive connection.
"""

from __future__ import annotations

from types import SimpleNamespace

import aiohttp
from batchivo_common.errors import AppError, Unavailable

from batchivo_gateway.errors import UpstreamError, UpstreamTimeout
from batchivo_gateway.settings import GatewaySettings

#: Request headers aiohttp must not add on its own (the proxy forwards exactly what it decided).
SKIP_AUTO_HEADERS = frozenset({"Accept", "Accept-Encoding", "User-Agent", "Content-Type"})
#: What a broken upstream exchange raises, before or during the response body.
FAILURES = (aiohttp.ClientError, OSError, TimeoutError)
#: RFC 9110 §9.2.2: sending these twice has the effect of sending them once.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class Attempt:
    """One try of one request; ``reused`` is set when it went out on a kept-alive pooled connection."""

    __slots__ = ("reused",)

    def __init__(self) -> None:
        self.reused = False


async def _on_reuse(_: aiohttp.ClientSession, context: SimpleNamespace, __: object) -> None:
    attempt = context.trace_request_ctx
    if isinstance(attempt, Attempt):
        attempt.reused = True


def died_before_response(exc: BaseException) -> bool:
    """The connection broke before a response head arrived (not a failure to connect, not a timeout)."""
    if isinstance(exc, aiohttp.ClientConnectorError):  # could not connect: nothing to retry on
        return False
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        # Its message is a parsed (partial) response when one had begun to arrive.
        return isinstance(exc.message, str)
    return isinstance(exc, aiohttp.ClientOSError)


def upstream_error(exc: BaseException) -> AppError:
    """The gateway's own error for an upstream failure (one of :data:`FAILURES`)."""
    if isinstance(exc, (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError)):
        return Unavailable("The service is unavailable")
    if isinstance(exc, TimeoutError):  # aiohttp's read timeouts (SocketTimeoutError ...) are TimeoutErrors
        return UpstreamTimeout("The service did not answer in time")
    return UpstreamError("The service sent an invalid response")


class Upstream:
    """Owns the pooled aiohttp session the proxy sends every request through, and the retry session."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.max_connections = settings.upstream_max_connections
        self.keepalive_expiry = settings.upstream_keepalive_expiry
        connect, pool = settings.upstream_connect_timeout, settings.upstream_pool_timeout
        self.timeout = aiohttp.ClientTimeout(
            total=None,
            connect=connect + pool,  # waiting for a pooled connection plus opening one
            sock_connect=connect,
            sock_read=settings.upstream_read_timeout,
        )
        self._session: aiohttp.ClientSession | None = None
        self._fresh: aiohttp.ClientSession | None = None
        self._tracing = aiohttp.TraceConfig()
        self._tracing.on_connection_reuseconn.append(_on_reuse)

    def _new_session(self, connector: aiohttp.BaseConnector, **options: object) -> aiohttp.ClientSession:
        session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # bodies pass through byte for byte
            cookie_jar=aiohttp.DummyCookieJar(),  # never store or replay a Set-Cookie
            skip_auto_headers=SKIP_AUTO_HEADERS,
            timeout=self.timeout,
            trust_env=False,  # never send service-to-service traffic through an environment proxy
            **options,  # type: ignore[arg-type]
        )
        # aiohttp would retry idempotent requests once through the same pool on its own; the proxy decides.
        session._retry_connection = False
        return session

    @property
    def session(self) -> aiohttp.ClientSession:
        """The pooled session (keep-alive connections)."""
        session = self._session
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                limit_per_host=0,
                keepalive_timeout=self.keepalive_expiry,
                ttl_dns_cache=60,
            )
            session = self._session = self._new_session(connector, trace_configs=[self._tracing])
        return session

    @property
    def fresh(self) -> aiohttp.ClientSession:
        """A session that opens a new connection for every request and closes it after (for retries)."""
        session = self._fresh
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(limit=self.max_connections, force_close=True, ttl_dns_cache=60)
            session = self._fresh = self._new_session(connector)
        return session

    @staticmethod
    def is_retryable(exc: BaseException, method: str, attempt: Attempt) -> bool:
        """Whether a request that failed with ``exc`` may be sent once more on a new connection.

        Only when the connection died before any response arrived, and either the connection was a reused
        keep-alive one (the service closed it while idle and never read the request: the race every
        keep-alive client has) or the method is idempotent. A POST whose brand-new connection dies may
        already have been applied, so it is not sent twice. The caller also checks that the body can be
        sent again.
        """
        return died_before_response(exc) and (attempt.reused or method in IDEMPOTENT_METHODS)

    async def aclose(self) -> None:
        for session in (self._session, self._fresh):
            if session is not None:
                await session.close()
        self._session = self._fresh = None
