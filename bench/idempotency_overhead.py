"""What an ``Idempotency-Key`` adds to a POST: a tiny app in process (ASGI, no network), real Redis.

    uv run python bench/idempotency_overhead.py [--requests 2000] [--redis redis://127.0.0.1:6379/0]

Prints the p50/p99 of the same POST without a key, with a new key each time (claim + store: two Redis
round trips) and replayed (one round trip, the handler does not run). Keys live under
``batchivo-bench:<id>:`` and are deleted at the end. A measurement to read, never a timed test.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time
import uuid

import httpx
import redis.asyncio as redis
from batchivo_common.app import create_service_app
from batchivo_common.auth.deps import MemberDep
from batchivo_common.auth.tokens import Role, SigningKey, StaticKeySource, TokenIssuer, TokenVerifier
from batchivo_common.idempotency import Idempotent
from batchivo_common.settings import CommonSettings
from pydantic import BaseModel


class Body(BaseModel):
    grams: float


async def main(requests: int, redis_url: str) -> None:
    prefix = f"batchivo-bench:{secrets.token_hex(4)}:"
    settings = CommonSettings(environment="dev", redis_url=redis_url, redis_prefix=prefix)
    app = create_service_app(
        settings, service="bench", title="bench", configure_process=False, idempotency=True
    )
    key = SigningKey.generate()
    app.state.token_verifier = TokenVerifier(StaticKeySource.of(key), "iss", "aud")

    @app.post("/use", dependencies=[Idempotent])
    async def use(principal: MemberDep, body: Body) -> dict[str, float]:
        return {"grams": body.grams}

    token, _ = TokenIssuer(key, "iss", "aud").issue(uuid.uuid4(), uuid.uuid4(), Role.member)
    auth = {"Authorization": f"Bearer {token}"}

    async def timed(label: str, headers: list[dict[str, str]], client: httpx.AsyncClient) -> None:
        samples = []
        for h in headers:
            start = time.perf_counter()
            response = await client.post("/use", json={"grams": 1.5}, headers={**auth, **h})
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text
        samples.sort()
        p99 = samples[int(len(samples) * 0.99) - 1]
        print(f"{label:<22} p50 {statistics.median(samples):6.2f} ms   p99 {p99:6.2f} ms   n={len(samples)}")

    cleanup = redis.from_url(redis_url)
    try:
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://b") as client,
        ):
            await timed("warm-up", [{}] * 200, client)
            await timed("no key", [{}] * requests, client)
            await timed(
                "new key each time", [{"Idempotency-Key": str(uuid.uuid4())} for _ in range(requests)], client
            )
            await timed("replay of one key", [{"Idempotency-Key": "replayed"}] * requests, client)
    finally:
        async for k in cleanup.scan_iter(match=f"{prefix}*"):
            await cleanup.delete(k)
        await cleanup.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.redis))
