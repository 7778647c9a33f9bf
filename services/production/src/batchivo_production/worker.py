"""The production worker: the outbox relay, the read-model and deduction consumers, and their probes."""

from __future__ import annotations

from batchivo_common.app import serve_factory
from batchivo_common.tenant_service import WorkerFactory, worker_factory

from batchivo_production.db import inbox, outbox
from batchivo_production.events.subscriptions import HANDLERS, SUBSCRIPTIONS
from batchivo_production.settings import ProductionSettings

#: ``create_worker_app(settings=None, *, configure_process=True, sessionmaker=None, relay_poll_seconds=2.0)``
create_worker_app: WorkerFactory[ProductionSettings] = worker_factory(
    ProductionSettings,
    service="production",
    relay_table=outbox,
    inbox=inbox,
    subscriptions=[(spec, HANDLERS[spec.name]) for spec in SUBSCRIPTIONS],
)


def run() -> None:
    """``production-worker``: serve the worker with uvicorn (probes on ``worker_http_port``)."""
    settings = ProductionSettings()
    serve_factory(
        "batchivo_production.worker:create_worker_app",
        host=settings.http_host,
        port=settings.worker_http_port,
    )
