"""The production API process: ``create_app(settings)`` (an app factory; nothing connects at import time)."""

from __future__ import annotations

from batchivo_common.app import serve_factory
from batchivo_common.auth.tokens import KeySource
from batchivo_common.tenant_service import create_tenant_service_app
from fastapi import FastAPI

from batchivo_production.api import api_routers
from batchivo_production.settings import ProductionSettings


def create_app(
    settings: ProductionSettings | None = None,
    *,
    key_source: KeySource | None = None,
    configure_process: bool = True,
) -> FastAPI:
    """``key_source``: where token keys come from; by default the auth service's JWKS (tests pass a
    ``StaticKeySource``)."""
    return create_tenant_service_app(
        settings or ProductionSettings(),
        service="production",
        title="Batchivo production",
        api_routers=api_routers,
        key_source=key_source,
        configure_process=configure_process,
    )


def run() -> None:
    """``production-api``: serve the app with uvicorn (the factory builds settings from the environment)."""
    settings = ProductionSettings()
    serve_factory("batchivo_production.main:create_app", host=settings.http_host, port=settings.http_port)
