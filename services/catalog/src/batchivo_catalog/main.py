"""The catalog API process: ``create_app(settings)`` (an app factory; nothing connects at import time)."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from batchivo_common.app import serve_factory
from batchivo_common.auth.tokens import KeySource
from batchivo_common.storage import Storage, StorageError, create_storage
from batchivo_common.tenant_service import create_tenant_service_app
from fastapi import FastAPI

from batchivo_catalog.api import api_routers
from batchivo_catalog.images.router import UPLOAD_BODY_LIMIT, UPLOAD_PATH
from batchivo_catalog.settings import CatalogSettings

log = logging.getLogger(__name__)


def create_app(
    settings: CatalogSettings | None = None,
    *,
    key_source: KeySource | None = None,
    storage: Storage | None = None,
    configure_process: bool = True,
) -> FastAPI:
    """``key_source``: where token keys come from; by default the auth service's JWKS (tests pass a
    ``StaticKeySource``); ``storage``: where product images go (by default built from
    ``settings.storage``)."""
    settings = settings or CatalogSettings()
    store = storage or create_storage(settings.storage)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await store.ensure_ready()
        except StorageError as exc:  # the API still serves everything else; image writes answer 503
            log.error("image storage not ready", extra={"error": str(exc)})
        # Everything imported and built so far lives as long as the process: keep it out of the
        # collector's full passes, which otherwise rescan it while a cost-heavy page is being built.
        gc.collect()
        gc.freeze()
        yield

    app = create_tenant_service_app(
        settings,
        service="catalog",
        title="Batchivo catalog",
        api_routers=api_routers,
        key_source=key_source,
        configure_process=configure_process,
        lifespan=lifespan,
        body_limit_overrides={re.compile(UPLOAD_PATH): UPLOAD_BODY_LIMIT},
    )
    app.state.storage = store
    return app


def run() -> None:
    """``catalog-api``: serve the app with uvicorn (the factory builds settings from the environment)."""
    settings = CatalogSettings()
    serve_factory("batchivo_catalog.main:create_app", host=settings.http_host, port=settings.http_port)
