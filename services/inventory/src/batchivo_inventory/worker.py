"""The inventory worker process: the outbox relay, the production-run consumers, and their probes."""

from __future__ import annotations

from batchivo_common.app import serve_factory
from batchivo_common.tenant_service import WorkerFactory, worker_factory

from batchivo_inventory.db import inbox, outbox
from batchivo_inventory.events.subscriptions import HANDLERS, ORDERING, SUBSCRIPTIONS
from batchivo_inventory.settings import InventorySettings

#: ``create_worker_app(settings=None, *, configure_process=True, sessionmaker=None, relay_poll_seconds=2.0)``
create_worker_app: WorkerFactory[InventorySettings] = worker_factory(
    InventorySettings,
    service="inventory",
    relay_table=outbox,
    inbox=inbox,
    subscriptions=[(spec, HANDLERS[spec.name], ORDERING[spec.name]) for spec in SUBSCRIPTIONS],
)


def run() -> None:
    """``inventory-worker``: serve the worker with uvicorn (probes on ``worker_http_port``)."""
    settings = InventorySettings()
    serve_factory(
        "batchivo_inventory.worker:create_worker_app", host=settings.http_host, port=settings.worker_http_port
    )
