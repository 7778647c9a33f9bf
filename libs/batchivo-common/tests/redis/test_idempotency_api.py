"""``Idempotency-Key`` on a tiny app with the real Redis: replay, reuse, concurrency, errors, TTL, tenants."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
from batchivo_common.app import create_service_app
from batchivo_common.auth.deps import MemberDep
from batchivo_common.auth.tokens import Role, SigningKey, StaticKeySource, TokenVerifier
from batchivo_common.errors import Conflict
from batchivo_common.idempotency import Idempotent
from batchivo_common.settings import CommonSettings
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import JWT_AUDIENCE, JWT_ISSUER, TestInfra
from batchivo_common.testing.polling import eventually
from fastapi import Depends, FastAPI, Request, Response
from pydantic import BaseModel

pytestmark = [pytest.mark.redis, pytest.mark.timeout(60)]


class Act(BaseModel):
    n: int


@dataclass
class World:
    """What the app's actions did, so a test can tell a replay from a second run."""

    runs: list[tuple[str, int]] = field(default_factory=list)
    fail_with: int | None = None
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    entered: asyncio.Event = field(default_factory=asyncio.Event)


def build_app(settings: CommonSettings, signing_key: SigningKey, world: World) -> FastAPI:
    app = create_service_app(
        settings, service="idemtest", title="idemtest", configure_process=False, idempotency=True
    )
    app.state.token_verifier = TokenVerifier(StaticKeySource.of(signing_key), JWT_ISSUER, JWT_AUDIENCE)

    @app.post("/things/{thing}/act", status_code=201, dependencies=[Idempotent])
    async def act(principal: MemberDep, thing: str, body: Act, response: Response) -> dict[str, Any]:
        world.runs.append((thing, body.n))
        response.headers["Location"] = f"/things/{thing}"
        return {"thing": thing, "n": body.n, "run": len(world.runs), "tenant": str(principal.tenant_id)}

    @app.post("/flaky", dependencies=[Idempotent])
    async def flaky(principal: MemberDep, body: Act) -> dict[str, int]:
        world.runs.append(("flaky", body.n))
        if world.fail_with == 500:
            raise RuntimeError("boom")
        if world.fail_with == 409:
            raise Conflict("not now")
        return {"run": len(world.runs)}

    @app.post("/slow", dependencies=[Idempotent])
    async def slow(principal: MemberDep, body: Act) -> dict[str, int]:
        world.entered.set()
        await world.gate.wait()
        world.runs.append(("slow", body.n))
        return {"run": len(world.runs)}

    async def drain(request: Request) -> None:
        # What a multipart form parser does before the route's other dependencies run.
        async for _ in request.stream():
            pass

    @app.post("/upload", dependencies=[Depends(drain), Idempotent])
    async def upload(principal: MemberDep) -> dict[str, int]:
        world.runs.append(("upload", 0))
        return {"run": len(world.runs)}

    return app


@dataclass
class Harness:
    client: httpx.AsyncClient
    world: World
    redis: redis.Redis
    prefix: str
    make_token: Callable[..., str]
    tenant: uuid.UUID = field(default_factory=uuid.uuid4)
    user: uuid.UUID = field(default_factory=uuid.uuid4)

    def headers(self, key: str | None = None, tenant: uuid.UUID | None = None) -> dict[str, str]:
        token = self.make_token(tenant or self.tenant, Role.member, self.user)
        headers = {"Authorization": f"Bearer {token}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    async def act(self, key: str | None, n: int = 1, thing: str = "a", **kw: Any) -> httpx.Response:
        return await self.client.post(f"/things/{thing}/act", json={"n": n}, headers=self.headers(key, **kw))

    async def keys(self) -> list[bytes]:
        return [k async for k in self.redis.scan_iter(match=f"{self.prefix}*")]


@asynccontextmanager
async def harness(
    infra: TestInfra, signing_key: SigningKey, make_token: Callable[..., str], **overrides: Any
) -> AsyncIterator[Harness]:
    prefix = f"{infra.redis_prefix}idem-{uuid.uuid4().hex[:8]}:"  # one per test: nothing leaks between them
    settings = CommonSettings(
        **{**infra.common_overrides(), "environment": "test", "redis_prefix": prefix, **overrides}
    )
    world = World()
    app = build_app(settings, signing_key, world)
    client = redis.from_url(infra.redis_url)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
        ):
            yield Harness(http, world, client, prefix, make_token)
    finally:
        async for key in client.scan_iter(match=f"{prefix}*"):
            await client.delete(key)
        await client.aclose()


async def no_keys(h: Harness) -> bool:
    return await h.keys() == []


@pytest.fixture
async def h(
    batchivo_infra: TestInfra, signing_key: SigningKey, make_token: Callable[..., str]
) -> AsyncIterator[Harness]:
    async with harness(batchivo_infra, signing_key, make_token) as ready:
        yield ready


async def test_without_a_key_every_request_runs_and_redis_is_untouched(h: Harness) -> None:
    assert (await h.act(None)).status_code == 201
    assert (await h.act(None)).status_code == 201
    assert len(h.world.runs) == 2
    assert await h.keys() == []


async def test_a_repeat_replays_the_first_answer_and_runs_nothing(h: Harness) -> None:
    first = await h.act("key-1", n=7)
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    second = await h.act("key-1", n=7)
    assert second.status_code == 201
    assert second.content == first.content
    assert second.headers["location"] == first.headers["location"] == "/things/a"
    assert second.headers["content-type"] == "application/json"
    assert second.headers["idempotent-replayed"] == "true"
    assert h.world.runs == [("a", 7)]
    # Kept for the configured TTL (24 h by default).
    (key,) = await h.keys()
    assert 23 * 3600 * 1000 < await h.redis.pttl(key) <= 24 * 3600 * 1000


async def test_the_same_key_with_another_body_or_target_is_refused(h: Harness) -> None:
    assert (await h.act("key-1", n=1)).status_code == 201
    assert_error(await h.act("key-1", n=2), 422, "IDEMPOTENCY_KEY_REUSED")
    assert_error(await h.act("key-1", n=1, thing="b"), 422, "IDEMPOTENCY_KEY_REUSED")
    assert h.world.runs == [("a", 1)]
    # A new key is a new request.
    assert (await h.act("key-2", n=2)).status_code == 201
    assert h.world.runs == [("a", 1), ("a", 2)]


async def test_keys_are_scoped_by_tenant_and_user(h: Harness) -> None:
    mine = await h.act("shared", n=1)
    theirs = await h.act("shared", n=1, tenant=uuid.uuid4())
    assert mine.json()["tenant"] != theirs.json()["tenant"]
    assert "idempotent-replayed" not in theirs.headers
    h.user = uuid.uuid4()  # another person in the same tenant
    other_user = await h.act("shared", n=5)
    assert other_user.status_code == 201
    assert "idempotent-replayed" not in other_user.headers
    assert len(h.world.runs) == 3


async def test_an_invalid_key_is_a_422_in_the_error_format(h: Harness) -> None:
    assert_error(await h.act("has space"), 422, "IDEMPOTENCY_KEY_INVALID")
    assert_error(await h.act("x" * 256), 422, "IDEMPOTENCY_KEY_INVALID")
    assert h.world.runs == []


async def test_a_duplicate_while_the_first_runs_gets_409_then_the_replay(h: Harness) -> None:
    body, headers = {"n": 3}, h.headers("slow-1")
    first = asyncio.create_task(h.client.post("/slow", json=body, headers=headers))
    await asyncio.wait_for(h.world.entered.wait(), 10)
    assert_error(await h.client.post("/slow", json=body, headers=headers), 409, "IDEMPOTENCY_IN_PROGRESS")
    # A different body while the first runs is still a reuse.
    assert_error(await h.client.post("/slow", json={"n": 4}, headers=headers), 422, "IDEMPOTENCY_KEY_REUSED")
    h.world.gate.set()
    done = await asyncio.wait_for(first, 10)
    assert done.status_code == 200
    again = await h.client.post("/slow", json=body, headers=headers)
    assert again.json() == done.json()
    assert h.world.runs == [("slow", 3)]


@pytest.mark.parametrize("status", [500, 409])
async def test_server_errors_and_transient_refusals_release_the_key(h: Harness, status: int) -> None:
    headers = h.headers("flaky-1")
    h.world.fail_with = status
    assert_error(await h.client.post("/flaky", json={"n": 1}, headers=headers), status)
    assert await h.keys() == []
    h.world.fail_with = None
    retry = await h.client.post("/flaky", json={"n": 1}, headers=headers)
    assert retry.status_code == 200
    assert "idempotent-replayed" not in retry.headers
    assert h.world.runs == [("flaky", 1), ("flaky", 1)]
    replay = await h.client.post("/flaky", json={"n": 1}, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert len(h.world.runs) == 2


async def test_a_client_mistake_is_kept_and_replayed(h: Harness) -> None:
    headers = h.headers("bad-1")
    first = await h.client.post("/things/a/act", json={"n": "many"}, headers=headers)
    assert_error(first, 422, "VALIDATION_ERROR")
    second = await h.client.post("/things/a/act", json={"n": "many"}, headers=headers)
    assert_error(second, 422, "VALIDATION_ERROR")
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content


async def test_a_kept_answer_expires_after_the_ttl(
    batchivo_infra: TestInfra, signing_key: SigningKey, make_token: Callable[..., str]
) -> None:
    async with harness(batchivo_infra, signing_key, make_token, idempotency_ttl_seconds=1) as h:
        assert (await h.act("short", n=1)).status_code == 201
        assert (await h.act("short", n=1)).headers["idempotent-replayed"] == "true"

        await eventually(partial(no_keys, h), within=5)
        again = await h.act("short", n=1)
        assert again.status_code == 201
        assert "idempotent-replayed" not in again.headers
        assert h.world.runs == [("a", 1), ("a", 1)]


async def test_redis_down_fails_closed_with_503_but_keyless_requests_run(
    batchivo_infra: TestInfra, signing_key: SigningKey, make_token: Callable[..., str]
) -> None:
    # Port 1 on localhost: nothing listens, the connection is refused at once.
    async with harness(
        batchivo_infra, signing_key, make_token, redis_url="redis://127.0.0.1:1/0", redis_timeout=0.2
    ) as h:
        assert_error(await h.act("down-1"), 503, "IDEMPOTENCY_UNAVAILABLE")
        assert h.world.runs == []
        assert (await h.act(None)).status_code == 201
        assert h.world.runs == [("a", 1)]


async def test_a_body_already_streamed_by_a_parser_is_still_fingerprinted(h: Harness) -> None:
    headers = {**h.headers("upload-1"), "Content-Type": "application/octet-stream"}
    first = await h.client.post("/upload", content=b"\x00bytes-1", headers=headers)
    assert first.status_code == 200, first.text
    replay = await h.client.post("/upload", content=b"\x00bytes-1", headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert_error(
        await h.client.post("/upload", content=b"\x00bytes-2", headers=headers), 422, "IDEMPOTENCY_KEY_REUSED"
    )
    assert h.world.runs == [("upload", 0)]
