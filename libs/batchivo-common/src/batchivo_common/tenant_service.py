"""The processes of a service: the API app of a tenant-scoped service (inventory, catalog, production)
and the worker of any service (those and auth).

Each tenant-scoped API has the same shape: an engine on the app role for the lifespan (the role checked
at start-up, a tenant sessionmaker on ``app.state``), Idempotency-Key honoured on POSTs (ADR 0011), bearer
tokens verified against the auth service's JWKS, and its feature routers under ``/api/v1``. A worker relays
its service's outbox and consumes its subscriptions. Each service keeps its own ``create_app`` /
``create_worker_app`` / ``run`` (what deploy and tests name) and passes only what differs to the builders
here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar

from fastapi import APIRouter, FastAPI
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from batchivo_common.app import API_PREFIX, Lifespan, create_service_app, include_api
from batchivo_common.auth.tokens import JwksKeySource, KeySource, TokenCache, TokenVerifier
from batchivo_common.db.checkout import CheckoutGate
from batchivo_common.db.engine import service_engine, tenant_sessionmaker
from batchivo_common.db.health import database_ready
from batchivo_common.db.tenancy import check_app_role
from batchivo_common.messaging.worker import Subscription, Worker, create_worker
from batchivo_common.settings import ServiceSettings

SettingsT = TypeVar("SettingsT", bound=ServiceSettings)
SettingsT_contra = TypeVar("SettingsT_contra", bound=ServiceSettings, contravariant=True)


def create_tenant_service_app(
    settings: ServiceSettings,
    *,
    service: str,
    title: str,
    api_routers: Sequence[APIRouter],
    api_prefix: str = API_PREFIX,
    key_source: KeySource | None = None,
    configure_process: bool = True,
    lifespan: Lifespan | None = None,
    **service_app_options: Any,
) -> FastAPI:
    """The API app of ``service``. ``key_source``: where token keys come from (by default the auth
    service's JWKS; tests pass a ``StaticKeySource``). ``lifespan``: the service's own start-up/shut-down
    work, entered once the database is ready (``app.state.sessionmaker`` set). ``service_app_options`` go to
    :func:`~batchivo_common.app.create_service_app` (e.g. ``body_limit_overrides``)."""

    @asynccontextmanager
    async def database_lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = service_engine(settings, application_name=f"batchivo-{service}")
        try:
            if settings.check_db_role:
                await check_app_role(engine)
            app.state.engine = engine
            app.state.sessionmaker = tenant_sessionmaker(engine)
            app.state.checkout_gate = CheckoutGate.of(settings)
            if lifespan is None:
                yield
            else:
                async with lifespan(app):
                    yield
        finally:
            await engine.dispose()

    app = create_service_app(
        settings,
        service=service,
        title=title,
        lifespan=database_lifespan,
        readiness_checks=[database_ready],
        configure_process=configure_process,
        # Idempotency-Key on every POST (ADR 0011). Redis is not a readiness check: reads and keyless
        # writes keep working while it is down; only a keyed request answers 503.
        idempotency=True,
        **service_app_options,
    )
    keys = key_source or JwksKeySource(settings.jwks_url, ttl_seconds=settings.jwks_cache_seconds)
    app.state.token_verifier = TokenVerifier(
        keys, settings.jwt_issuer, settings.jwt_audience, cache=TokenCache(size=10_000, seconds=30)
    )
    include_api(app, api_routers, prefix=api_prefix)
    return app


class WorkerFactory(Protocol[SettingsT_contra]):
    """``create_worker_app``: what ``uvicorn --factory`` calls with no arguments and tests call with
    their settings, an existing sessionmaker and a short relay poll."""

    def __call__(
        self,
        settings: SettingsT_contra | None = None,
        *,
        configure_process: bool = True,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        relay_poll_seconds: float = 2.0,
    ) -> Worker: ...


def worker_factory(
    settings_type: Callable[[], SettingsT],
    *,
    service: str,
    relay_table: Table,
    inbox: Table,
    subscriptions: Sequence[Subscription],
) -> WorkerFactory[SettingsT]:
    """The worker factory of ``service``: its outbox relay and ``subscriptions`` (each consumed through
    ``inbox``); settings come from the environment (``settings_type()``) unless given."""

    def create_worker_app(
        settings: SettingsT | None = None,
        *,
        configure_process: bool = True,
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
        relay_poll_seconds: float = 2.0,
    ) -> Worker:
        return create_worker(
            settings or settings_type(),
            service=service,
            relay_table=relay_table,
            subscriptions=subscriptions,
            inbox=inbox,
            sessionmaker=sessionmaker,
            configure_process=configure_process,
            relay_poll_seconds=relay_poll_seconds,
        )

    return create_worker_app
