"""The web app in a real browser against the real stack: the gateway serves the built SPA (frontend/dist)
and routes to the real auth, inventory, catalog and production services, with the inventory, catalog and
production workers on the real broker (catalog costs follow spool prices by events; a completed run is
booked by inventory and the catalog); Debian's Chromium, driven by playwright-core,
runs the journeys in frontend/tests/e2e. Screenshots of each main page land in
frontend/test-results/screenshots.

Selected by ``-m browser`` (``make test`` runs it after building the app and installing Chromium); a missing
build or browser fails loudly rather than skipping.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
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

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.timeout(600)]


@contextlib.asynccontextmanager
async def event_workers(
    inventory_db: ServiceDatabase,
    catalog_db: ServiceDatabase,
    production_db: ServiceDatabase,
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

    async with (
        running_worker(catalog, infra.amqp_url, prefix, CATALOG_SUBSCRIPTIONS),
        running_worker(inventory, infra.amqp_url, prefix, INVENTORY_SUBSCRIPTIONS),
        running_worker(production, infra.amqp_url, prefix, PRODUCTION_SUBSCRIPTIONS),
    ):
        yield


@pytest.fixture(scope="module")
def spa_gateway_url(
    auth_url: str,
    inventory_url: str,
    catalog_url: str,
    production_url: str,  # webextra: analytics and the dashboard's production cards
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
    batchivo_infra: TestInfra,
) -> None:
    await truncate_service_tables(auth_db)
    await truncate_service_tables(production_db)
    await truncate_service_tables(inventory_db, keep=("alembic_version", "material_types"))
    await truncate_service_tables(catalog_db)
    artifacts = FRONTEND / "test-results"
    shutil.rmtree(artifacts, ignore_errors=True)
    # The servers run in this process's threads; the event loop stays free while node drives the browser
    # and runs the workers.
    async with event_workers(inventory_db, catalog_db, production_db, batchivo_infra):
        out, err, returncode = await run_journeys(spa_gateway_url, artifacts)
    print(out[-20_000:])
    assert returncode == 0, f"browser tests failed:\n{out[-20_000:]}\n{err[-5_000:]}"
    screenshots = sorted(p.name for p in (artifacts / "screenshots").glob("*.png"))
    assert len(screenshots) >= 6, screenshots


async def run_journeys(base_url: str, artifacts: Path) -> tuple[str, str, int | None]:
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
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = (stream.decode(errors="replace") for stream in await asyncio.wait_for(node.communicate(), 540))
    return out, err, node.returncode
