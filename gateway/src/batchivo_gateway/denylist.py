"""The deny-list of revoked access tokens, held in memory and kept current by auth's announcements.

Without it every request asks Redis whether its token was revoked (one round trip, ~0.13 ms of the
gateway's CPU in redis-py: a fifth of its work for a spool's GET). :class:`DenyList` subscribes to
``{prefix}auth:denied`` (:mod:`batchivo_common.auth.revocation`), then reads the deny keys already there,
and from then on answers from memory. It is *current* only while the subscription is known to be alive: a
message or a reply to its own PING within the last three ``ping_seconds``. While it is not (starting, Redis
gone, the connection broken or silent), :meth:`is_current` is False and the gateway asks Redis per
request, as before (ADR 0027).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable

from batchivo_common.auth import revocation
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from batchivo_gateway.ratelimit import ThrottledLog

logger = logging.getLogger("batchivo.gateway.denylist")


class DenyList:
    def __init__(self, redis_url: str, redis_prefix: str, *, ping_seconds: float = 5.0, timeout: float = 2.0):
        self.prefix = redis_prefix
        self.ping_seconds = ping_seconds
        # Its own client: a subscribed connection blocks on reads, which the gateway's short socket timeout
        # would break. No retries: redis-py would reconnect and resubscribe silently, and the announcements
        # sent meanwhile would be lost unseen; an error must reach _run, which reads the keys again.
        # Named, so an operator (and a test) can find it in CLIENT LIST.
        self.redis = Redis.from_url(
            redis_url,
            socket_connect_timeout=timeout,
            socket_timeout=None,
            retry=Retry(NoBackoff(), 0),
            client_name=f"{redis_prefix}gateway-denylist",
        )
        self.timeout = timeout
        self._denied: dict[str, float] = {}  # jti → monotonic time its entry may be dropped
        self._current_until = 0.0  # monotonic
        self._task: asyncio.Task[None] | None = None
        self._lost = ThrottledLog(log=logger)  # retried every second while Redis is away: log once in 10 s

    # -- answers (no I/O) -----------------------------------------------------------------------------

    def is_current(self) -> bool:
        """Whether the in-memory list can be trusted: subscribed, and heard from Redis recently."""
        return time.monotonic() < self._current_until

    def is_denied(self, jti: str) -> bool:
        until = self._denied.get(jti)
        return until is not None and time.monotonic() < until

    def add(self, jti: str, ttl_seconds: float) -> None:
        now = time.monotonic()
        self._denied[jti] = now + ttl_seconds
        if len(self._denied) > 1024 and len(self._denied) % 1024 == 0:  # now and then, drop expired entries
            self._denied = {j: until for j, until in self._denied.items() if until > now}

    def _heard(self) -> None:
        self._current_until = time.monotonic() + 3 * self.ping_seconds

    # -- the subscription -----------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="gateway-denylist")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.redis.aclose()

    async def _run(self) -> None:
        while True:
            try:
                await self._follow()
            except Exception as exc:  # whatever broke it, the gateway asks Redis per request until it is back
                self._lost.warning("deny-list subscription lost; asking Redis per request", exc=exc)
            finally:
                self._current_until = 0.0
            await asyncio.sleep(1.0)

    async def _follow(self) -> None:
        async with self.redis.pubsub() as pubsub:
            await pubsub.subscribe(revocation.denied_channel(self.prefix))
            confirmed = await pubsub.get_message(timeout=self.timeout)
            if confirmed is None or confirmed["type"] != "subscribe":
                raise OSError("no subscription confirmation")
            # Subscribed first, then read: a revocation between the two is in the keys or in a message.
            await self._load()
            self._heard()
            last_ping = time.monotonic()
            while True:
                message = await pubsub.get_message(timeout=self.ping_seconds)
                if message is not None:
                    self._heard()
                    if message["type"] == "message":
                        parsed = revocation.parse_denied_message(message["data"])
                        if parsed is not None:
                            self.add(*parsed)
                if not self.is_current():  # silent for three pings: a dead peer; start over
                    raise OSError("the deny-list subscription went silent")
                if time.monotonic() - last_ping >= self.ping_seconds:
                    await pubsub.ping()  # its reply counts as hearing from Redis
                    last_ping = time.monotonic()

    async def _load(self) -> None:
        """Every deny key already in Redis, with its remaining lifetime."""
        pattern = revocation.deny_key(self.prefix, "*")
        keys: list[bytes] = [key async for key in self.redis.scan_iter(match=pattern, count=1000)]
        if not keys:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.ttl(key)
            ttls: Iterable[int] = await pipe.execute()
        start = len(revocation.deny_key(self.prefix, ""))
        for key, ttl in zip(keys, ttls, strict=True):
            if ttl > 0 or ttl == -1:  # -1: no expiry (written by hand); keep it a day
                self.add(key.decode()[start:], ttl if ttl > 0 else 86_400)
