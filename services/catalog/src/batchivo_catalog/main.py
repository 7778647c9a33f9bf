"""The catalog API process: ``create_app(settings)`` (an app factory; nothing connects at import time)."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from batchivo_common.app import create_service_app, serve_factory
from batchivo_common.auth.tokens import JwksKeySource, KeySource, TokenCache, TokenVerifier
from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.health import database_ready
from batchivo_common.db.tenancy import check_app_role
from batchivo_common.storage import Storage, StorageError, create_storage
from fastapi import FastAPI

from batchivo_catalog.api import api_router
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
        engine = create_engine(
            settings.database_url,
            application_name="batchivo-catalog",
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        try:
            if settings.check_db_role:
                await check_app_role(engine)
            app.state.engine = engine
            app.state.sessionmaker = tenant_sessionmaker(engine)
            try:
                await store.ensure_ready()
            except StorageError as exc:  # the API still serves everything else; image writes answer 503
                log.error("image storage not ready", extra={"error": str(exc)})
            # Everything imported and built so far lives as long as the process: keep it out of the
            # collector's full passes, which otherwise rescan it while a cost-heavy page is being built.
            gc.collect()
            gc.freeze()
            yield
        finally:
            await engine.dispose()

    app = create_service_app(
        settings,
        service="catalog",
        title="Batchivo catalog",
        lifespan=lifespan,
        readiness_checks=[database_ready],
        configure_process=configure_process,
        body_limit_overrides={re.compile(UPLOAD_PATH): UPLOAD_BODY_LIMIT},
        # Idempotency-Key on every POST (ADR 0011); Redis is not a readiness check: reads and keyless
        # writes keep working while it is down, only a keyed request answers 503.
        idempotency=True,
    )
    app.state.storage = store
    keys = key_source or JwksKeySource(settings.jwks_url, ttl_seconds=settings.jwks_cache_seconds)
    app.state.token_verifier = TokenVerifier(
        keys, settings.jwt_issuer, settings.jwt_audience, cache=TokenCache(size=10_000, seconds=30)
    )
    app.include_router(api_router)
    return app


def run() -> None:
    """``catalog-api``: serve the app with uvicorn (the factory builds settings from the environment)."""
    settings = CatalogSettings()
    serve_factory("batchivo_catalog.main:create_app", host=settings.http_host, port=settings.http_port)
