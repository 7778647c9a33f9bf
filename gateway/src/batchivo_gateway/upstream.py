"""The proxy's upstream client: one aiohttp session (pool and C HTTP parser) per app, and its failures.

aiohttp is used as a plain byte pipe: no cookie jar (one shared session would hand one user's cookies to the
next), no default headers, no decompression, no redirects, no environment proxies, and URLs are sent exactly
as given (``encoded=True``: the client's raw path and query are never re-quoted). The session is created on
first use, inside the running event loop, and closed by the app's lifespan.

:func:`upstream_error` turns aiohttp's failures into the gateway's error format: cannot connect (including a
connect timeout and waiting too long for a pooled connection) → 503 UNAVAILABLE, read timeout → 504
UPSTREAM_TIMEOUT, anything else (reset, malformed response) → 502 UPSTREAM_ERROR.
"""

from __future__ import annotations

import aiohttp
from batchivo_common.errors import AppError, Unavailable

from batchivo_gateway.errors import UpstreamError, UpstreamTimeout
from batchivo_gateway.settings import GatewaySettings

#: Request headers aiohttp must not add on its own (the proxy forwards exactly what it decided).
SKIP_AUTO_HEADERS = frozenset({"Accept", "Accept-Encoding", "User-Agent", "Content-Type"})
#: What a broken upstream exchange raises, before or during the response body.
FAILURES = (aiohttp.ClientError, OSError, TimeoutError)


def upstream_error(exc: BaseException) -> AppError:
    """The gateway's own error for an upstream failure (one of :data:`FAILURES`)."""
    if isinstance(exc, (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError)):
        return Unavailable("The service is unavailable")
    if isinstance(exc, TimeoutError):  # aiohttp's read timeouts (SocketTimeoutError ...) are TimeoutErrors
        return UpstreamTimeout("The service did not answer in time")
    return UpstreamError("The service sent an invalid response")


class Upstream:
    """Owns the pooled aiohttp session the proxy sends every request through."""

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

    @property
    def session(self) -> aiohttp.ClientSession:
        session = self._session
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.max_connections,
                limit_per_host=0,
                keepalive_timeout=self.keepalive_expiry,
                ttl_dns_cache=60,
            )
            session = self._session = aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,  # bodies pass through byte for byte
                cookie_jar=aiohttp.DummyCookieJar(),  # never store or replay a Set-Cookie
                skip_auto_headers=SKIP_AUTO_HEADERS,
                timeout=self.timeout,
                trust_env=False,  # never send service-to-service traffic through an environment proxy
            )
        return session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
