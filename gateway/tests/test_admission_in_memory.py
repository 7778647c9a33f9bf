"""ADR 0027: the deny-list answered from memory while subscribed, and the tenant's limit spent from leases.

Against the real Redis: a gateway (served) that hears auth's revocations, loads those written before it
started, stops trusting its list when the subscription breaks and trusts it again once resubscribed; and
the admission itself (in process) with one and with two gateways sharing a tenant's limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
from batchivo_common.auth import revocation
from batchivo_common.auth.tokens import Principal, Role, TokenIssuer
from batchivo_common.errors import RateLimited, Unauthenticated
from batchivo_common.testing.asgi_server import serve
from batchivo_gateway.auth import Authenticator
from batchivo_gateway.denylist import DenyList
from batchivo_gateway.main import Gateway, create_app
from batchivo_gateway.settings import GatewaySettings
from fastapi import FastAPI


async def _until(condition: Callable[[], bool], what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.02)


async def _subscribed(deny_list: DenyList | None) -> DenyList:
    """``deny_list`` once its subscription is live (its answers come from memory from then on)."""
    assert deny_list is not None
    await _until(deny_list.is_current, "the deny-list is subscribed")
    return deny_list


@pytest.fixture
def served(gateway_settings: Callable[..., GatewaySettings]) -> Iterator[Callable[..., tuple[str, Gateway]]]:
    """Start a gateway and hand back its URL and its ``Gateway`` (to look at its deny-list)."""
    with contextlib.ExitStack() as stack:

        def start(**overrides: Any) -> tuple[str, Gateway]:
            app: FastAPI = create_app(gateway_settings(**overrides))
            url = stack.enter_context(serve(app, proxy_headers=False))
            return url, app.state.gateway

        yield start


async def test_a_revocation_reaches_a_subscribed_gateway_at_once(
    served: Callable[..., tuple[str, Gateway]],
    client: httpx.AsyncClient,
    token_issuer: TokenIssuer,
    redis_client: redis.Redis,
    redis_prefix: str,
    assert_error: Callable[..., Any],
) -> None:
    url, gateway = served()
    deny_list = await _subscribed(gateway.auth.deny_list)
    token, principal = token_issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get(f"{url}/api/v1/spools", headers=headers)).status_code == 200
    await revocation.deny(redis_client, redis_prefix, principal.jti, 60)
    body = assert_error(await client.get(f"{url}/api/v1/spools", headers=headers), 401, "UNAUTHENTICATED")
    assert "revoked" in body["detail"]
    assert deny_list.is_denied(principal.jti)  # answered from memory: the announcement arrived
    other, _ = token_issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
    assert (await client.get(f"{url}/api/v1/spools", headers={"Authorization": f"Bearer {other}"})).is_success


async def test_revocations_written_before_the_gateway_started_are_loaded(
    served: Callable[..., tuple[str, Gateway]],
    client: httpx.AsyncClient,
    token_issuer: TokenIssuer,
    redis_client: redis.Redis,
    redis_prefix: str,
    assert_error: Callable[..., Any],
) -> None:
    token, principal = token_issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
    await revocation.deny(redis_client, redis_prefix, principal.jti, 60)  # nobody subscribed yet
    url, gateway = served()
    deny_list = await _subscribed(gateway.auth.deny_list)
    assert deny_list.is_denied(principal.jti)
    response = await client.get(f"{url}/api/v1/spools", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "UNAUTHENTICATED")


async def test_a_broken_subscription_is_not_trusted_until_it_is_back(
    served: Callable[..., tuple[str, Gateway]],
    client: httpx.AsyncClient,
    token_issuer: TokenIssuer,
    redis_client: redis.Redis,
    redis_prefix: str,
    assert_error: Callable[..., Any],
) -> None:
    url, gateway = served(deny_list_ping_seconds=0.2)
    deny_list = await _subscribed(gateway.auth.deny_list)
    await asyncio.sleep(1.0)  # five pings: their replies keep it trusted while nothing else is said
    assert deny_list.is_current()
    token, principal = token_issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
    # The subscription's connection dies; a key written meanwhile is not announced (as if the message
    # were lost with the connection).
    assert await _kill_subscription(redis_client, f"{redis_prefix}gateway-denylist") == 1
    await _until(lambda: not deny_list.is_current(), "the broken subscription is distrusted", 5)
    await redis_client.set(revocation.deny_key(redis_prefix, principal.jti), "1", ex=60)
    response = await client.get(f"{url}/api/v1/spools", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "UNAUTHENTICATED")  # from Redis, or from the list reloaded on resubscribing
    await _until(deny_list.is_current, "the deny-list is subscribed again")
    assert deny_list.is_denied(principal.jti)  # the key written while it was away was read


async def _kill_subscription(client: redis.Redis, name: str) -> int:
    listed = await client.client_list()
    ids = [c["id"] for c in listed if c.get("name") == name and int(c.get("sub", 0)) > 0]
    for client_id in ids:
        await client.client_kill_filter(_id=client_id)
    return len(ids)


# -- admission in process ------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _authenticator(settings: GatewaySettings, client: redis.Redis) -> Any:
    deny_list = DenyList(settings.redis_url, settings.redis_prefix)
    deny_list.start()
    try:
        await _subscribed(deny_list)
        yield Authenticator(settings, None, client, None, deny_list)  # type: ignore[arg-type]  # no tokens here
    finally:
        await deny_list.stop()


def _principal(tenant_id: uuid.UUID) -> Principal:
    return Principal(uuid.uuid4(), tenant_id, Role.owner, uuid.uuid4().hex, int(time.time()) + 900)


async def _admitted(auth: Authenticator, principal: Principal) -> bool:
    try:
        await auth.admit(principal)
    except RateLimited:
        return False
    return True


async def _window_count(client: redis.Redis, auth: Authenticator, tenant_id: uuid.UUID) -> int:
    current, _ = auth.limiter.keys(f"api:{tenant_id}", time.time())
    return int(await client.get(current) or 0)


def _fresh_window() -> None:
    """Tests counting one window's requests start early in a minute (so the window does not end midway)."""
    if time.time() % 60 > 50:
        time.sleep(60 - time.time() % 60 + 0.1)


async def test_one_gateway_admits_exactly_the_limit_asking_redis_once_per_lease(
    gateway_settings: Callable[..., GatewaySettings], redis_client: redis.Redis
) -> None:
    _fresh_window()
    settings = gateway_settings(api_rate_per_minute=300)  # a lease of 3
    async with _authenticator(settings, redis_client) as auth:
        assert auth.lease == 3
        tenant = uuid.uuid4()
        for _ in range(10):
            assert await _admitted(auth, _principal(tenant))
        assert await _window_count(redis_client, auth, tenant) == 12  # four leases of three
        results = [await _admitted(auth, _principal(tenant)) for _ in range(295)]
        assert results.count(True) == 290 and results[:290] == [True] * 290
        with pytest.raises(RateLimited) as refused:
            await auth.admit(_principal(tenant))
        assert int(refused.value.headers["Retry-After"]) >= 1
        assert await _admitted(auth, _principal(uuid.uuid4()))  # another tenant has its own limit


async def test_concurrent_requests_waste_no_lease(
    gateway_settings: Callable[..., GatewaySettings], redis_client: redis.Redis
) -> None:
    """Requests that find nothing left at once each take a lease; all of them are spent, none lost (the
    browser journey's 25 parallel creates met 429s while leases were replaced instead of added up)."""
    _fresh_window()
    settings = gateway_settings(api_rate_per_minute=600)  # a lease of 6
    async with _authenticator(settings, redis_client) as auth:
        tenant = uuid.uuid4()
        admitted = 0
        for _ in range(24):
            results = await asyncio.gather(*(_admitted(auth, _principal(tenant)) for _ in range(25)))
            admitted += sum(results)
        assert admitted == 600  # the limit exactly, none wasted
        assert await _window_count(redis_client, auth, tenant) == 600  # then refusals, one each
        assert not await _admitted(auth, _principal(tenant))


async def test_two_gateways_never_admit_more_than_the_limit_together(
    gateway_settings: Callable[..., GatewaySettings], redis_client: redis.Redis
) -> None:
    _fresh_window()
    settings = gateway_settings(api_rate_per_minute=1000)  # a lease of 10 each
    async with _authenticator(settings, redis_client) as one, _authenticator(settings, redis_client) as two:
        tenant = uuid.uuid4()
        admitted = 0
        for turn in range(1100):
            admitted += await _admitted(one if turn % 3 else two, _principal(tenant))
        # Never more than the limit; less by at most what the two gateways hold unspent (9 each).
        assert 1000 - 2 * 9 <= admitted <= 1000
        assert not await _admitted(one, _principal(tenant))
        assert not await _admitted(two, _principal(tenant))


async def test_without_a_current_deny_list_every_request_asks_redis(
    gateway_settings: Callable[..., GatewaySettings], redis_client: redis.Redis, redis_prefix: str
) -> None:
    settings = gateway_settings(api_rate_per_minute=300)
    never_started = DenyList(settings.redis_url, settings.redis_prefix)
    try:
        auth = Authenticator(settings, None, redis_client, None, never_started)  # type: ignore[arg-type]
        principal = _principal(uuid.uuid4())
        await auth.admit(principal)
        await auth.admit(principal)
        assert await _window_count(redis_client, auth, principal.tenant_id) == 2  # no lease taken
        # A key written straight into Redis (no announcement) is seen at the next request.
        await redis_client.set(revocation.deny_key(redis_prefix, principal.jti), "1", ex=60)
        with pytest.raises(Unauthenticated):
            await auth.admit(principal)
    finally:
        await never_started.stop()
