"""Fixtures of the webhooks service's tests: the migrated schema, the API in its lifespan (tokens verified
with the test signing key), an HTTP client, a local receiver (a real HTTP server on 127.0.0.1, let through
only by the test-only allowlist), and a running worker against the real broker."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from batchivo_common.auth.tokens import Role, SigningKey, StaticKeySource
from batchivo_common.testing.asgi_server import serve
from batchivo_common.testing.plugin import (
    ServiceDatabase,
    TestInfra,
    prepare_service_database,
    truncate_service_tables,
)
from batchivo_common.testing.tenants import TokenTenant as Tenant
from batchivo_common.testing.workers import RunningWorker, running_worker
from batchivo_webhooks.crypto import new_key_entry
from batchivo_webhooks.events.subscriptions import SUBSCRIPTIONS
from batchivo_webhooks.main import create_app
from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.ssrf import Resolver
from batchivo_webhooks.worker import create_worker_app
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
KEY = new_key_entry("test1")
#: Fast retries so tests never wait real minutes (the schedule itself is unit-tested).
FAST = {
    "retry_base_seconds": 0.2,
    "retry_cap_seconds": 0.4,
    "dispatch_poll_seconds": 0.1,
    "attempt_timeout_seconds": 2.0,
    "claim_lease_seconds": 30.0,
}


@pytest.fixture(scope="session")
def webhooks_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(batchivo_infra, "webhooks", ALEMBIC_INI)


def make_settings(db: ServiceDatabase, infra: TestInfra, **overrides: Any) -> WebhooksSettings:
    values: dict[str, Any] = {
        **db.settings_overrides(infra),
        "encryption_keys": [KEY],
        "allow_private_hosts": ["127.0.0.1"],
        **FAST,
        **overrides,
    }
    return WebhooksSettings(**values)


@pytest.fixture(scope="session")
def webhooks_settings(webhooks_db: ServiceDatabase, batchivo_infra: TestInfra) -> WebhooksSettings:
    return make_settings(webhooks_db, batchivo_infra)


@pytest.fixture(scope="session")
async def app(webhooks_settings: WebhooksSettings, signing_key: SigningKey) -> AsyncIterator[FastAPI]:
    application = create_app(
        webhooks_settings, key_source=StaticKeySource.of(signing_key), configure_process=False
    )
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def strict_app(
    webhooks_db: ServiceDatabase, batchivo_infra: TestInfra, signing_key: SigningKey
) -> AsyncIterator[FastAPI]:
    """The API without the test-only allowlist (as in production, but with BATCHIVO_ENV=test)."""
    settings = make_settings(webhooks_db, batchivo_infra, allow_private_hosts=[])
    application = create_app(settings, key_source=StaticKeySource.of(signing_key), configure_process=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def strict_client(
    strict_app: FastAPI, webhooks_db: ServiceDatabase
) -> AsyncIterator[httpx.AsyncClient]:
    await truncate_service_tables(webhooks_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=strict_app), base_url="http://webhooks.test"
    ) as c:
        yield c


@pytest.fixture
async def client(app: FastAPI, webhooks_db: ServiceDatabase) -> AsyncIterator[httpx.AsyncClient]:
    await truncate_service_tables(webhooks_db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://webhooks.test"
    ) as c:
        yield c


@pytest.fixture
def new_tenant(make_token: Callable[..., str]) -> Callable[[], Tenant]:
    def make() -> Tenant:
        return Tenant.new(make_token, default_role=Role.admin)

    return make


@pytest.fixture
def endpoint_sql() -> str:
    """SQL inserting a bare endpoint (``$1`` its tenant, ``$2`` its id), for the raw-SQL tests of RLS and
    retention (the secret columns hold placeholders: nothing here sends anything)."""
    return (
        "insert into webhooks.endpoints (id, tenant_id, url, event_types, secret_key_id, secret_wrapped_key,"
        " secret_nonce, secret_ciphertext, secret_hint) values ($2, $1, 'https://x.example/', "
        "'{inventory.spool.created.v1}', 'k', '\\x00', '\\x00', '\\x00', 'abcd')"
    )


@pytest.fixture
async def admin_conn(webhooks_db: ServiceDatabase) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(webhooks_db.admin_url)
    try:
        yield conn
    finally:
        await conn.close()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A local webhook receiver. Paths: ``/ok`` answers 200; ``/fail3/<name>`` answers 500 three times
    then 200; ``/hang`` never answers (until the test ends); ``/error`` always 500."""

    base_url: str
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: dict[str, int] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    state = Receiver("")

    async def hook(request: Request) -> PlainTextResponse:
        body = await request.body()
        path = request.url.path
        with state.lock:
            state.received.append(Received(path, dict(request.headers), body))
            state.counts[path] = state.counts.get(path, 0) + 1
            count = state.counts[path]
        if path.startswith("/fail3"):
            return PlainTextResponse(
                "not yet" if count <= 3 else "ok", status_code=500 if count <= 3 else 200
            )
        if path == "/hang":
            # Holds the request until the session ends (the release event is set from the test thread).
            await asyncio.to_thread(state.release.wait)
            return PlainTextResponse("late")
        if path == "/error":
            return PlainTextResponse("boom " * 200, status_code=500)
        return PlainTextResponse("thanks")

    app = Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])
    with serve(app) as url:
        state.base_url = url
        try:
            yield state
        finally:
            state.release.set()


@contextlib.asynccontextmanager
async def worker(
    db: ServiceDatabase, infra: TestInfra, resolver: Resolver | None = None, **overrides: Any
) -> AsyncIterator[RunningWorker]:
    def make(prefix: str) -> Any:
        return create_worker_app(
            make_settings(db, infra, amqp_prefix=prefix, **overrides),
            configure_process=False,
            resolver=resolver,
        )

    prefix = f"{infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
    async with running_worker(make, infra.amqp_url, prefix, SUBSCRIPTIONS) as w:
        yield w


@pytest.fixture
def run_worker(webhooks_db: ServiceDatabase, batchivo_infra: TestInfra) -> Callable[..., Any]:
    """``async with run_worker(**settings_overrides, resolver=...) as w``: the worker (importlib mode:
    helpers come as fixtures)."""

    def start(resolver: Resolver | None = None, **overrides: Any) -> Any:
        return worker(webhooks_db, batchivo_infra, resolver, **overrides)

    return start
