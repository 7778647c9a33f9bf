"""The inventory API process: ``create_app(settings)`` (an app factory; nothing connects at import time)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator

from batchivo_common.app import serve_factory
from batchivo_common.auth.tokens import KeySource
from batchivo_common.messaging.topology import Names
from batchivo_common.tenant_service import create_tenant_service_app
from fastapi import FastAPI

from batchivo_inventory.api import api_routers
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.spoolman_compat.feed import Feed, Hub
from batchivo_inventory.spoolman_compat.router import router as spoolman_router
from batchivo_inventory.transfer.router import IMPORT_BODY_LIMIT, IMPORT_PATH


def create_app(
    settings: InventorySettings | None = None,
    *,
    key_source: KeySource | None = None,
    configure_process: bool = True,
) -> FastAPI:
    """``key_source``: where token keys come from; by default the auth service's JWKS (tests pass a
    ``StaticKeySource``)."""
    settings = settings or InventorySettings()

    @contextlib.asynccontextmanager
    async def spoolman_feed(app: FastAPI) -> AsyncIterator[None]:
        """Spoolman's change messages: this process's subscription to the spool events (feed.py)."""
        hub = app.state.spoolman_hub = Hub()
        feed = app.state.spoolman_feed = Feed(
            settings.amqp_url, Names(settings.amqp_prefix), hub, app.state.sessionmaker
        )
        task = asyncio.create_task(feed.run(), name="spoolman-feed")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = create_tenant_service_app(
        settings,
        service="inventory",
        title="Batchivo inventory",
        api_routers=api_routers,
        key_source=key_source,
        configure_process=configure_process,
        lifespan=spoolman_feed,
        body_limit_overrides={re.compile(IMPORT_PATH): IMPORT_BODY_LIMIT},
    )
    # Spoolman's clients call /compat/spoolman/api/v1/… (services/inventory/README.md).
    app.include_router(spoolman_router)
    return app


def run() -> None:
    """``inventory-api``: serve the app with uvicorn (the factory builds settings from the environment)."""
    settings = InventorySettings()
    serve_factory("batchivo_inventory.main:create_app", host=settings.http_host, port=settings.http_port)
