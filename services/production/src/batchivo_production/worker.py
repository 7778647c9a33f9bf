"""The production worker: the outbox relay, the read-model and deduction consumers, and their probes."""

from __future__ import annotations

from batchivo_common.app import serve_factory
from batchivo_common.messaging.worker import Worker, create_worker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from batchivo_production.db import inbox, outbox
from batchivo_production.events.subscriptions import HANDLERS, SUBSCRIPTIONS
from batchivo_production.settings import ProductionSettings


def create_worker_app(
    settings: ProductionSettings | None = None,
    *,
    configure_process: bool = True,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    relay_poll_seconds: float = 2.0,
) -> Worker:
    settings = settings or ProductionSettings()
    return create_worker(
        settings,
        service="production",
        relay_table=outbox,
        subscriptions=[(spec, HANDLERS[spec.name]) for spec in SUBSCRIPTIONS],
        inbox=inbox,
        sessionmaker=sessionmaker,
        configure_process=configure_process,
        relay_poll_seconds=relay_poll_seconds,
    )


def run() -> None:
    """``production-worker``: serve the worker with uvicorn (probes on ``worker_http_port``)."""
    settings = ProductionSettings()
    serve_factory(
        "batchivo_production.worker:create_worker_app",
        host=settings.http_host,
        port=settings.worker_http_port,
    )
