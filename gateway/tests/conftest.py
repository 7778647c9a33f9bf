"""Gateway test harness: a real fake upstream and the real gateway, both served by uvicorn on 127.0.0.1.

The fake upstream (one per session) plays every service: it serves the JWKS of the ``signing_key`` fixture,
the API-key exchange, an echo of every ``/api/v1/**`` request, a streamed large body, a gated stream, a slow
endpoint and a pydantic-validated POST. Each test gets its own gateway (settings overridable) with its own
Redis key prefix.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
from batchivo_common.app import create_service_app
from batchivo_common.auth.tokens import Role, SigningKey, TokenIssuer
from batchivo_common.errors import error_response
from batchivo_common.settings import CommonSettings
from batchivo_common.testing.asgi_server import free_port, serve
from batchivo_common.testing.plugin import JWT_AUDIENCE, JWT_ISSUER, TestInfra
from batchivo_gateway.main import create_app
from batchivo_gateway.settings import GatewaySettings
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel


@dataclass
class UpstreamState:
    """What the fake upstream saw and how it behaves; reset before every test."""

    echoes: list[dict[str, Any]] = field(default_factory=list)
    exchanges: int = 0
    api_keys: dict[str, tuple[uuid.UUID, Role]] = field(default_factory=dict)
    api_key_ttl: int = 300
    release: threading.Event = field(default_factory=threading.Event)

    def reset(self) -> None:
        self.echoes.clear()
        self.exchanges = 0
        self.api_keys.clear()
        self.api_key_ttl = 300
        self.release = threading.Event()


class ModelIn(BaseModel):
    name: str
    weight_grams: float


class ExchangeIn(BaseModel):
    key: str


def make_upstream(signing_key: SigningKey, state: UpstreamState) -> FastAPI:
    issuer = TokenIssuer(signing_key, JWT_ISSUER, JWT_AUDIENCE)
    app = create_service_app(
        CommonSettings(environment="test"), service="fake", title="Fake upstream", configure_process=False
    )

    @app.get("/.well-known/jwks.json", tags=["auth"])
    async def jwks() -> dict[str, Any]:
        return {"keys": [signing_key.jwk()]}

    @app.post("/internal/api-keys/exchange", tags=["internal"])
    async def exchange(body: ExchangeIn) -> Any:
        state.exchanges += 1
        owner = state.api_keys.get(body.key)
        if owner is None:
            return error_response(401, "Invalid API key")
        token, _ = issuer.issue(
            uuid.uuid4(), owner[0], owner[1], api_key_id=uuid.uuid4(), ttl_seconds=state.api_key_ttl
        )
        return {"access_token": token, "token_type": "bearer", "expires_in": state.api_key_ttl}

    @app.post("/api/v1/models", status_code=201, tags=["models"])
    async def create_model(body: ModelIn, request: Request) -> JSONResponse:
        location = str(request.url_for("create_model")) + "/m-1"
        return JSONResponse(body.model_dump(), status_code=201, headers={"Location": location})

    @app.get("/api/v1/spools/big", tags=["spools"])
    async def big(size: int = 8 * 1024 * 1024) -> StreamingResponse:
        chunk = bytes(range(256)) * 256  # 64 KiB

        async def body() -> AsyncIterator[bytes]:
            sent = 0
            while sent < size:
                piece = chunk[: size - sent]
                sent += len(piece)
                yield piece

        return StreamingResponse(body(), media_type="application/octet-stream")

    @app.get("/api/v1/spools/gated", tags=["spools"])
    async def gated() -> StreamingResponse:
        release = state.release

        async def body() -> AsyncIterator[bytes]:
            yield b"first:" + b"x" * 1024
            for _ in range(1000):  # at most 10 s
                if release.is_set():
                    break
                await asyncio.sleep(0.01)
            yield b":second"

        return StreamingResponse(body(), media_type="text/plain")

    @app.delete("/api/v1/spools/gone", status_code=204, tags=["spools"])
    async def gone() -> Response:
        return Response(status_code=204)

    @app.get("/api/v1/spools/slow", tags=["spools"])
    async def slow(seconds: float = 2.0) -> dict[str, str]:
        await asyncio.sleep(seconds)
        return {"status": "late"}

    @app.api_route(
        "/api/v1/{rest:path}",
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        include_in_schema=False,
    )
    async def echo(request: Request, rest: str) -> JSONResponse:
        body = await request.body()
        record = {
            "method": request.method,
            "path": request.url.path,
            "raw_path": request.scope.get("raw_path", b"").decode("latin-1"),
            "query": request.url.query,
            "headers": {k: request.headers.getlist(k) for k in request.headers},
            "body": body.decode("latin-1"),
        }
        state.echoes.append(record)
        return JSONResponse(record, headers={"X-Upstream": "fake", "Set-Cookie": "a=1"})

    return app


def make_inventory_upstream() -> FastAPI:
    """A second service whose component ``ModelIn`` clashes with the first one's (for the OpenAPI merge)."""
    app = create_service_app(
        CommonSettings(environment="test"),
        service="fake-inventory",
        title="Fake inventory",
        configure_process=False,
    )
    clashing = type("ModelIn", (BaseModel,), {"__module__": __name__, "__annotations__": {"sku": str}})

    async def create_spool(body: Any) -> dict[str, str]:
        return {"ok": "yes"}

    create_spool.__annotations__ = {"body": clashing, "return": dict[str, str]}
    app.add_api_route("/api/v1/spools", create_spool, methods=["POST"], tags=["spools"])

    @app.get("/internal/ping", tags=["internal"])
    async def ping() -> dict[str, str]:
        return {"ok": "yes"}

    return app


@pytest.fixture
def dead_url() -> str:
    """A URL nobody listens on."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def upstream_state() -> UpstreamState:
    return UpstreamState()


@pytest.fixture(scope="session")
def upstream_url(signing_key: SigningKey, upstream_state: UpstreamState) -> Iterator[str]:
    with serve(make_upstream(signing_key, upstream_state)) as url:
        yield url


@pytest.fixture
def inventory_url() -> Iterator[str]:
    """A second fake service (for the OpenAPI merge)."""
    with serve(make_inventory_upstream()) as url:
        yield url


@pytest.fixture(autouse=True)
def _reset_upstream(upstream_state: UpstreamState) -> None:
    upstream_state.reset()


@pytest.fixture
def redis_prefix(batchivo_infra: TestInfra) -> str:
    return f"{batchivo_infra.redis_prefix}{uuid.uuid4().hex[:12]}:"


@pytest.fixture
async def redis_client(batchivo_infra: TestInfra) -> AsyncIterator[redis.Redis]:
    client = redis.Redis.from_url(batchivo_infra.redis_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def gateway_settings(
    batchivo_infra: TestInfra, redis_prefix: str, upstream_url: str, tmp_path: Path
) -> Callable[..., GatewaySettings]:
    def build(**overrides: Any) -> GatewaySettings:
        values: dict[str, Any] = {
            "environment": "test",
            "redis_url": batchivo_infra.redis_url,
            "redis_prefix": redis_prefix,
            "jwt_issuer": JWT_ISSUER,
            "jwt_audience": JWT_AUDIENCE,
            "auth_url": upstream_url,
            "inventory_url": upstream_url,
            "catalog_url": upstream_url,
            "production_url": None,
            "webhooks_url": None,
            "frontend_dist": tmp_path / "no-dist",
            "metrics_port": 0,  # the internal /metrics listener on any free port
            # Tests come from 127.0.0.1 and name their client in X-Forwarded-For, as an ingress would.
            "trusted_proxies": "127.0.0.1/32",
            **overrides,
        }
        return GatewaySettings(**values)

    return build


@pytest.fixture
def start_gateway(gateway_settings: Callable[..., GatewaySettings]) -> Iterator[Callable[..., str]]:
    """Start a gateway (trusting X-Forwarded-For from 127.0.0.1 unless overridden) with settings overrides.

    uvicorn's own proxy-header handling is off, as in ``batchivo_gateway.main.run``: the gateway decides."""
    with contextlib.ExitStack() as stack:

        def start(**overrides: Any) -> str:
            app = create_app(gateway_settings(**overrides))
            return stack.enter_context(serve(app, proxy_headers=False))

        yield start


@pytest.fixture
def gateway_url(start_gateway: Callable[..., str]) -> str:
    return start_gateway()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False, timeout=20) as c:
        yield c


@pytest.fixture
def bearer(make_token: Callable[..., str]) -> Callable[..., dict[str, str]]:
    def headers(tenant_id: uuid.UUID | None = None, role: Role = Role.owner) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(tenant_id, role)}"}

    return headers


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status_code"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


@pytest.fixture(name="assert_error")
def _assert_error() -> Callable[..., dict[str, Any]]:
    return assert_error
