"""The web app in a real browser against the real stack: the gateway serves the built SPA (frontend/dist)
and routes to the real auth and inventory services; Debian's Chromium, driven by playwright-core, runs the
journeys in frontend/tests/e2e. Screenshots of each main page land in frontend/test-results/screenshots.

Selected by ``-m browser`` (``make test`` runs it after building the app and installing Chromium); a missing
build or browser fails loudly rather than skipping.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from batchivo_common.testing.asgi_server import serve
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra, truncate_service_tables
from batchivo_gateway.main import create_app as create_gateway_app
from batchivo_gateway.settings import GatewaySettings

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def spa_gateway_url(auth_url: str, inventory_url: str, batchivo_infra: TestInfra) -> Iterator[str]:
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
        frontend_dist=FRONTEND / "dist",
    )
    with serve(create_gateway_app(settings)) as url:
        # localhost, not 127.0.0.1: browsers treat http://localhost as a secure context, so the refresh
        # cookie keeps its Secure attribute here as in production.
        yield url.replace("127.0.0.1", "localhost")


async def test_web_app_journeys(
    spa_gateway_url: str, auth_db: ServiceDatabase, inventory_db: ServiceDatabase
) -> None:
    await truncate_service_tables(auth_db)
    await truncate_service_tables(inventory_db, keep=("alembic_version", "material_types"))
    artifacts = FRONTEND / "test-results"
    shutil.rmtree(artifacts, ignore_errors=True)
    # The servers run in this process's threads; the event loop stays free while node drives the browser.
    node = await asyncio.create_subprocess_exec(
        *("node", "--test", "--test-concurrency=1", "--test-reporter=spec", "tests/e2e/"),
        cwd=FRONTEND,
        env={
            **os.environ,
            "E2E_BASE_URL": spa_gateway_url,
            "E2E_ARTIFACTS": str(artifacts),
            "CHROMIUM_PATH": CHROMIUM,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = (stream.decode(errors="replace") for stream in await asyncio.wait_for(node.communicate(), 540))
    print(out[-20_000:])
    assert node.returncode == 0, f"browser tests failed:\n{out[-20_000:]}\n{err[-5_000:]}"
    screenshots = sorted(p.name for p in (artifacts / "screenshots").glob("*.png"))
    assert len(screenshots) >= 6, screenshots
