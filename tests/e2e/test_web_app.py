"""The web app in a real browser against the real stack: the gateway serves the built SPA (frontend/dist)
and routes to the real auth, inventory, catalog and production services, with the inventory, catalog and
production workers on the real broker (catalog costs follow spool prices by events; a completed run is
booked by inventory and the catalog); Debian's Chromium, driven by playwright-core,
runs the journeys in frontend/tests/e2e. The webhooks API and worker run too, with a local receiver on
127.0.0.1 let through by the test-only allowlist (the journey registers it and sees deliveries logged; this
test then checks every delivery the receiver got against the signature recipe of docs/api.md).
Screenshots of each main page land in frontend/test-results/screenshots.

Selected by ``-m browser`` (``make test`` runs it after building the app and installing Chromium); a missing
build or browser fails loudly rather than skipping.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from batchivo_catalog.events.subscriptions import SUBSCRIPTIONS as CATALOG_SUBSCRIPTIONS
from batchivo_catalog.settings import CatalogSettings
from batchivo_catalog.worker import create_worker_app as create_catalog_worker
from batchivo_common.testing.asgi_server import serve
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra, truncate_service_tables
from batchivo_common.testing.workers import running_worker
from batchivo_gateway.main import create_app as create_gateway_app
from batchivo_gateway.settings import GatewaySettings
from batchivo_inventory.events.subscriptions import SUBSCRIPTIONS as INVENTORY_SUBSCRIPTIONS
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.worker import create_worker_app as create_inventory_worker

# Production (runs, printers): its API behind the gateway and its worker with the others.
from batchivo_production.events.subscriptions import SUBSCRIPTIONS as PRODUCTION_SUBSCRIPTIONS
from batchivo_production.settings import ProductionSettings
from batchivo_production.worker import create_worker_app as create_production_worker
from batchivo_webhooks.crypto import new_key_entry
from batchivo_webhooks.events.subscriptions import SUBSCRIPTIONS as WEBHOOKS_SUBSCRIPTIONS
from batchivo_webhooks.main import create_app as create_webhooks_app
from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.worker import create_worker_app as create_webhooks_worker
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

#: A guard against a hung browser, not a speed check: every step of a journey has its own timeout (15-20 s).
#: The whole suite took ~7 min on one machine of this kind and over 9 on a slower one (2026-12-07).
JOURNEYS_SECONDS = 1500
pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.timeout(JOURNEYS_SECONDS + 300)]


@contextlib.asynccontextmanager
async def event_workers(
    inventory_db: ServiceDatabase,
    catalog_db: ServiceDatabase,
    production_db: ServiceDatabase,
    webhooks: WebhooksSettings,
    infra: TestInfra,
) -> AsyncIterator[None]:
    """The inventory worker (its relay publishes filament-type events) and the catalog worker (its read
    model of filament types and their costs), on one broker prefix as one deployment."""
    prefix = f"{infra.amqp_prefix}web{uuid.uuid4().hex[:8]}."
    inv = inventory_db.settings_overrides(infra)
    cat = catalog_db.settings_overrides(infra)
    prod = production_db.settings_overrides(infra)

    def inventory(p: str):
        settings = InventorySettings(**{**inv, "amqp_prefix": p})
        return create_inventory_worker(settings, configure_process=False, relay_poll_seconds=0.2)

    def catalog(p: str):
        settings = CatalogSettings(**{**cat, "amqp_prefix": p})
        return create_catalog_worker(settings, configure_process=False, relay_poll_seconds=0.2)

    def production(p: str):
        settings = ProductionSettings(**{**prod, "amqp_prefix": p})
        return create_production_worker(settings, configure_process=False, relay_poll_seconds=0.2)

    def webhooks_worker(p: str):
        settings = webhooks.model_copy(update={"amqp_prefix": p})
        return create_webhooks_worker(settings, configure_process=False, relay_poll_seconds=0.2)

    async with (
        running_worker(webhooks_worker, infra.amqp_url, prefix, WEBHOOKS_SUBSCRIPTIONS),
        running_worker(catalog, infra.amqp_url, prefix, CATALOG_SUBSCRIPTIONS),
        running_worker(inventory, infra.amqp_url, prefix, INVENTORY_SUBSCRIPTIONS),
        running_worker(production, infra.amqp_url, prefix, PRODUCTION_SUBSCRIPTIONS),
    ):
        yield


@dataclass
class Receiver:
    """The journey's webhook receiver: answers 200 and keeps what it got (raw body and headers)."""

    url: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture(scope="module")
def webhook_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    async def hook(request: Request) -> PlainTextResponse:
        body = await request.body()
        with receiver.lock:
            receiver.received.append((dict(request.headers), body))
        return PlainTextResponse("thanks")

    with serve(Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])) as url:
        receiver.url = url
        yield receiver


@pytest.fixture(scope="module")
def spa_webhooks_settings(webhooks_db: ServiceDatabase, batchivo_infra: TestInfra) -> WebhooksSettings:
    """One key-encryption key for the API (which encrypts the secret) and the worker (which signs with it);
    127.0.0.1 allowed for the local receiver only, so 10.0.0.1 is still refused on the form."""
    return WebhooksSettings(
        **webhooks_db.settings_overrides(batchivo_infra),
        encryption_keys=[SecretStr(new_key_entry("web"))],
        allow_private_hosts=["127.0.0.1"],
        dispatch_poll_seconds=0.2,
    )


@pytest.fixture(scope="module")
def spa_webhooks_url(spa_webhooks_settings: WebhooksSettings, auth_url: str) -> Iterator[str]:
    settings = spa_webhooks_settings.model_copy(update={"jwks_url": f"{auth_url}/.well-known/jwks.json"})
    with serve(create_webhooks_app(settings, configure_process=False)) as url:
        yield url


@pytest.fixture(scope="module")
def spa_gateway_url(
    auth_url: str,
    inventory_url: str,
    catalog_url: str,
    production_url: str,  # webextra: analytics and the dashboard's production cards
    spa_webhooks_url: str,
    batchivo_infra: TestInfra,
) -> Iterator[str]:
    if not (FRONTEND / "dist" / "index.html").is_file():
        pytest.fail("no frontend build: run `make frontend` (make test does)")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make browser` (make test does)")
    settings = GatewaySettings(
        **batchivo_infra.common_overrides(),
        environment="test",
        metrics_port=0,  # the internal /metrics listener on any free port
        auth_url=auth_url,
        inventory_url=inventory_url,
        catalog_url=catalog_url,
        production_url=production_url,
        webhooks_url=spa_webhooks_url,
        frontend_dist=FRONTEND / "dist",
    )
    with serve(create_gateway_app(settings)) as url:
        # localhost, not 127.0.0.1: browsers treat http://localhost as a secure context, so the refresh
        # cookie keeps its Secure attribute here as in production.
        yield url.replace("127.0.0.1", "localhost")


async def test_web_app_journeys(
    spa_gateway_url: str,
    auth_db: ServiceDatabase,
    inventory_db: ServiceDatabase,
    catalog_db: ServiceDatabase,
    production_db: ServiceDatabase,
    webhooks_db: ServiceDatabase,
    spa_webhooks_settings: WebhooksSettings,
    webhook_receiver: Receiver,
    batchivo_infra: TestInfra,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # every service's log records, to look for the webhook secret in them
    await truncate_service_tables(webhooks_db)
    await truncate_service_tables(auth_db)
    await truncate_service_tables(production_db)
    await truncate_service_tables(inventory_db, keep=("alembic_version", "material_types"))
    await truncate_service_tables(catalog_db)
    artifacts = FRONTEND / "test-results"
    shutil.rmtree(artifacts, ignore_errors=True)
    # The servers run in this process's threads; the event loop stays free while node drives the browser
    # and runs the workers.
    async with event_workers(inventory_db, catalog_db, production_db, spa_webhooks_settings, batchivo_infra):
        out, err, returncode = await run_journeys(spa_gateway_url, artifacts, webhook_receiver.url)
    print(out[-20_000:])
    assert returncode == 0, f"browser tests failed:\n{out[-20_000:]}\n{err[-5_000:]}"
    check_webhook_deliveries(artifacts, webhook_receiver, caplog.records)
    screenshots = sorted(p.name for p in (artifacts / "screenshots").glob("*.png"))
    assert len(screenshots) >= 6, screenshots


def check_webhook_deliveries(artifacts: Path, receiver: Receiver, records: list[logging.LogRecord]) -> None:
    """What the webhooks journey's receiver got verifies with the secret the page showed (docs/api.md), and
    no log record of any service (message or extra fields) carries that secret."""
    secret_file = artifacts / "webhook-secret.txt"
    if not secret_file.is_file():  # E2E_JOURNEYS narrowed the run to other journeys
        return
    secret = secret_file.read_text().strip()
    with receiver.lock:
        received = list(receiver.received)
    types = set()
    for headers, body in received:
        timestamp = headers["batchivo-webhook-timestamp"]
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        header = headers["batchivo-webhook-signature"]
        signatures = [part.removeprefix("v1=") for part in header.split()]  # space-separated
        assert expected in signatures, headers
        payload = json.loads(body)
        assert payload["delivery_id"] == headers["batchivo-webhook-id"]
        assert payload["type"] == headers["batchivo-event-type"]
        types.add(payload["type"])
    assert {"webhooks.test.v1", "inventory.spool.created.v1"} <= types, types
    assert records, "no log records captured"
    leaked = [r.name for r in records if secret in r.getMessage() or secret in str(vars(r))]
    assert leaked == [], f"the webhook signing secret is in log records of {leaked}"


async def run_journeys(base_url: str, artifacts: Path, webhook_receiver: str) -> tuple[str, str, int | None]:
    # E2E_JOURNEYS narrows the run while working on one area, e.g. E2E_JOURNEYS=tests/e2e/catalog.test.mjs.
    journeys = os.environ.get("E2E_JOURNEYS", "tests/e2e/").split()
    node = await asyncio.create_subprocess_exec(
        *("node", "--test", "--test-concurrency=1", "--test-reporter=spec", *journeys),
        cwd=FRONTEND,
        env={
            **os.environ,
            "E2E_BASE_URL": base_url,
            "E2E_ARTIFACTS": str(artifacts),
            "CHROMIUM_PATH": CHROMIUM,
            "E2E_WEBHOOK_RECEIVER": webhook_receiver,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = (
        stream.decode(errors="replace")
        for stream in await asyncio.wait_for(node.communicate(), JOURNEYS_SECONDS)
    )
    return out, err, node.returncode
