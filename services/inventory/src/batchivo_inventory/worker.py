"""The inventory worker process: the outbox relay, the production-run consumers, and their probes."""

from __future__ import annotations

from batchivo_common.app import serve_factory
from batchivo_common.messaging.worker import Worker, create_worker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from batchivo_inventory.db import inbox, outbox
from batchivo_inventory.events.subscriptions import HANDLERS, ORDERING, SUBSCRIPTIONS
from batchivo_inventory.settings import InventorySettings


def create_worker_app(
    settings: InventorySettings | None = None,
    *,
    configure_process: bool = True,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    relay_poll_seconds: float = 2.0,
) -> Worker:
    settings = settings or InventorySettings()
    return create_worker(
        settings,
        service="inventory",
        relay_table=outbox,
        subscriptions=[(spec, HANDLERS[spec.name], ORDERING[spec.name]) for spec in SUBSCRIPTIONS],
        inbox=inbox,
        sessionmaker=sessionmaker,
        configure_process=configure_process,
        relay_poll_seconds=relay_poll_seconds,
    )


def run() -> None:
    """``inventory-worker``: serve the worker with uvicorn (probes on ``worker_http_port``)."""
    settings = InventorySettings()
    serve_factory(
        "batchivo_inventory.worker:create_worker_app", host=settings.http_host, port=settings.worker_http_port
    )
