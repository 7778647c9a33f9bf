"""The webhooks worker: the consumer that turns public events into deliveries, the dispatcher that sends
them, and the probes (``/healthz``, ``/readyz``, ``/metrics``)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from batchivo_common.app import serve_factory
from batchivo_common.db.engine import create_engine
from batchivo_common.messaging.worker import Worker, create_worker
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from batchivo_webhooks.db import inbox
from batchivo_webhooks.dispatch import Dispatcher
from batchivo_webhooks.events.subscriptions import HANDLERS, SUBSCRIPTIONS
from batchivo_webhooks.retention import purge_forever
from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.ssrf import Resolver
from batchivo_webhooks.urls import UrlPolicy
from batchivo_webhooks.vault import load_keyring


class WebhooksWorker(Worker):
    dispatcher: Dispatcher | None
    dispatch_task: asyncio.Task[None] | None
    purge_task: asyncio.Task[None] | None


def create_worker_app(
    settings: WebhooksSettings | None = None,
    *,
    configure_process: bool = True,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    relay_poll_seconds: float = 2.0,
    resolver: Resolver | None = None,
) -> Worker:
    """``resolver``: how hosts are resolved before each attempt (tests pass a stub)."""
    settings = settings or WebhooksSettings()
    keyring = load_keyring(settings)  # fail at start, not at the first delivery
    urls = UrlPolicy.of(settings, resolver)
    app = create_worker(
        settings,
        service="webhooks",
        relay_table=None,  # the service publishes nothing
        subscriptions=[(spec, HANDLERS[spec.name]) for spec in SUBSCRIPTIONS],
        inbox=inbox,
        sessionmaker=sessionmaker,
        configure_process=configure_process,
        relay_poll_seconds=relay_poll_seconds,
    )
    worker: WebhooksWorker = app  # type: ignore[assignment]
    worker.dispatcher, worker.dispatch_task, worker.purge_task = None, None, None

    async def start_dispatcher() -> None:
        # The relay role: claims and updates every tenant's deliveries (never inserts; deletes finished ones).
        engine = create_engine(
            settings.relay_database_url, application_name="webhooks-dispatcher", pool_size=4, max_overflow=4
        )
        worker.dispatcher = Dispatcher(engine, settings, keyring, urls)
        worker.dispatch_task = asyncio.create_task(worker.dispatcher.run(), name="webhooks-dispatcher")
        # The same role deletes finished deliveries once they are past retention (retention.py).
        retention = timedelta(days=settings.delivery_retention_days)
        worker.purge_task = asyncio.create_task(
            purge_forever(engine, retention, settings.delivery_purge_seconds), name="webhooks-purge"
        )

    async def stop_dispatcher() -> None:
        tasks = (worker.dispatch_task, worker.purge_task)
        worker.dispatch_task, worker.purge_task = None, None
        for task in tasks:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        dispatcher, worker.dispatcher = worker.dispatcher, None
        if dispatcher is not None:
            await dispatcher.close()
            await dispatcher.engine.dispose()

    worker.after_startup(start_dispatcher)
    worker.on_shutdown(stop_dispatcher)
    return worker


def run() -> None:
    """``webhooks-worker``: serve the worker with uvicorn (probes on ``worker_http_port``)."""
    settings = WebhooksSettings()
    serve_factory(
        "batchivo_webhooks.worker:create_worker_app",
        host=settings.http_host,
        port=settings.worker_http_port,
    )
