"""The webhooks API process: ``create_app(settings)`` (an app factory; nothing connects at import time)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from batchivo_common.app import serve_factory
from batchivo_common.auth.tokens import KeySource
from batchivo_common.tenant_service import create_tenant_service_app
from fastapi import FastAPI

from batchivo_webhooks.api import API_PREFIX, api_routers
from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.ssrf import Resolver
from batchivo_webhooks.urls import UrlPolicy
from batchivo_webhooks.vault import load_keyring


def create_app(
    settings: WebhooksSettings | None = None,
    *,
    key_source: KeySource | None = None,
    configure_process: bool = True,
    resolver: Resolver | None = None,
) -> FastAPI:
    """``key_source``: where token keys come from; by default the auth service's JWKS (tests pass a
    ``StaticKeySource``). ``resolver``: how URL hosts are resolved (tests may pass a stub)."""
    settings = settings or WebhooksSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # At start-up, not when the app is built (the OpenAPI export builds it): no key, no start.
        app.state.keyring = load_keyring(settings)
        app.state.url_policy = UrlPolicy.of(settings, resolver)
        yield

    return create_tenant_service_app(
        settings,
        service="webhooks",
        title="Batchivo webhooks",
        api_routers=api_routers,
        api_prefix=API_PREFIX,
        key_source=key_source,
        configure_process=configure_process,
        lifespan=lifespan,
    )


def run() -> None:
    """``webhooks-api``: serve the app with uvicorn (the factory builds settings from the environment)."""
    settings = WebhooksSettings()
    serve_factory("batchivo_webhooks.main:create_app", host=settings.http_host, port=settings.http_port)
