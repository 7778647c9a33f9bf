"""The catalog worker: the outbox relay, the read-model and production-run consumers, their probes."""

from __future__ import annotations

from batchivo_common.app import serve_factory
from batchivo_common.tenant_service import WorkerFactory, worker_factory

from batchivo_catalog.db import inbox, outbox
from batchivo_catalog.events.subscriptions import HANDLERS, SUBSCRIPTIONS
from batchivo_catalog.settings import CatalogSettings

#: ``create_worker_app(settings=None, *, configure_process=True, sessionmaker=None, relay_poll_seconds=2.0)``
create_worker_app: WorkerFactory[CatalogSettings] = worker_factory(
    CatalogSettings,
    service="catalog",
    relay_table=outbox,
    inbox=inbox,
    subscriptions=[(spec, HANDLERS[spec.name]) for spec in SUBSCRIPTIONS],
)


def run() -> None:
    """``catalog-worker``: serve the worker with uvicorn (probes on ``worker_http_port``)."""
    settings = CatalogSettings()
    serve_factory(
        "batchivo_catalog.worker:create_worker_app", host=settings.http_host, port=settings.worker_http_port
    )
