"""The deny-list of revoked access tokens: how auth writes it and where the gateway reads it (ADR 0027).

A revoked token's ``jti`` is a Redis key (``{prefix}auth:deny:{jti}``) that lives until the token would have
expired anyway, and the same transaction publishes ``"{jti} {ttl}"`` on ``{prefix}auth:denied``. The key is
the truth (a gateway that starts, or whose subscription broke, reads the keys); the message lets a
subscribed gateway keep the list in memory and skip a Redis round trip per request.
"""

from __future__ import annotations

from redis.asyncio import Redis

DENY_PREFIX = "auth:deny:"
DENIED_CHANNEL = "auth:denied"


def deny_key(redis_prefix: str, jti: str) -> str:
    """The Redis key that marks the access token ``jti`` as revoked."""
    return f"{redis_prefix}{DENY_PREFIX}{jti}"


def denied_channel(redis_prefix: str) -> str:
    """The channel every revocation is announced on."""
    return f"{redis_prefix}{DENIED_CHANNEL}"


def denied_message(jti: str, ttl_seconds: int) -> str:
    return f"{jti} {ttl_seconds}"


def parse_denied_message(data: bytes | str) -> tuple[str, int] | None:
    """``(jti, ttl seconds)`` of a message on the channel, or None when it is not one."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    jti, _, ttl = text.partition(" ")
    if not jti or not ttl.isdigit():
        return None
    return jti, int(ttl)


async def deny(redis: Redis, redis_prefix: str, jti: str, ttl_seconds: int) -> None:
    """Revoke ``jti`` for ``ttl_seconds``: the key and its announcement in one MULTI/EXEC."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(deny_key(redis_prefix, jti), "1", ex=ttl_seconds)
        pipe.publish(denied_channel(redis_prefix), denied_message(jti, ttl_seconds))
        await pipe.execute()
