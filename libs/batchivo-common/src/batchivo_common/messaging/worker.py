"""A service's worker process: FastStream consumers, the outbox relay, and probes, as one ASGI app.

A service's ``worker.py``::

    QUEUES = [QueueSpec("inventory", "tenant_defaults", ("auth.tenant.created.v1",))]

    def create_app() -> AsgiFastStream:
        return create_worker(InventorySettings(), service="inventory", relay_table=outbox, inbox=inbox,
                             subscriptions=[(QUEUES[0], create_defaults)])

Run it with ``uvicorn --factory batchivo_inventory.worker:create_app --port 9101`` (one process: the
relay's advisory lock makes extra replicas stand by, consumers scale by replicas). ``/healthz`` says the
process lives, ``/readyz`` that the database and the broker answer, ``/metrics`` serves Prometheus.
Start-up declares the topology (idempotent) before consuming, then starts in the background: the relay,
the queue-depth monitor (DLQ and retry depths as gauges) and the housekeeping loop (inbox retention).

A subscription is ``(spec, handler)`` or ``(spec, handler, Ordering(...))`` for events that must wait for a
predecessor of the same aggregate (``consumer.Ordering``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from faststream.asgi import AsgiFastStream
from prometheus_client import REGISTRY, Counter, make_asgi_app
from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.housekeeping import repeat
from batchivo_common.db.tenancy import check_app_role
from batchivo_common.messaging.broker import AmqpPublisher, QueueDepthMonitor, create_broker
from batchivo_common.messaging.consumer import (
    EventConsumer,
    Handler,
    Ordering,
    subscribe,
)
from batchivo_common.messaging.inbox import purge_inbox
from batchivo_common.messaging.relay import OutboxRelay
from batchivo_common.messaging.topology import QueueSpec, declare_all
from batchivo_common.observability.logging import configure_logging
from batchivo_common.observability.tracing import configure_tracing
from batchivo_common.settings import ServiceSettings

log = logging.getLogger("batchivo.worker")

INBOX_PURGED = Counter(
    "batchivo_inbox_purged_total", "Inbox rows deleted after the retention window.", ["service"]
)

Subscription = tuple[QueueSpec, Handler] | tuple[QueueSpec, Handler, Ordering]


def _parts(subscription: Subscription) -> tuple[QueueSpec, Handler, Ordering | None]:
    if len(subscription) == 3:
        return subscription[0], subscription[1], subscription[2]
    return subscription[0], subscription[1], None


class Worker(AsgiFastStream):
    """The ASGI app, with its parts reachable for tests and probes."""

    relay: OutboxRelay | None
    publisher: AmqpPublisher
    consumers: list[EventConsumer]
    relay_task: asyncio.Task[None] | None
    monitor: QueueDepthMonitor
    housekeeping: Callable[[], Awaitable[int]]
    background: list[asyncio.Task[None]]


#: How long one shutdown step may take: a connection to a half-dead peer (a database or broker that went
#: away without closing the socket) can make a graceful close wait forever, and the worker must still stop.
SHUTDOWN_STEP_SECONDS = 10.0


async def _bounded(step: Awaitable[object], what: str) -> None:
    try:
        async with asyncio.timeout(SHUTDOWN_STEP_SECONDS):
            await step
    except TimeoutError:
        log.warning("shutdown: gave up %s after %.0f s", what, SHUTDOWN_STEP_SECONDS)
    except Exception as exc:  # a failed close must not stop the next steps
        log.warning("shutdown: %s failed: %r", what, exc)


def create_worker(
    settings: ServiceSettings,
    *,
    service: str,
    relay_table: Table | None,
    subscriptions: Sequence[Subscription],
    inbox: Table | None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    configure_process: bool = True,
    relay_poll_seconds: float = 2.0,
    housekeeping_seconds: float = 3600.0,
) -> Worker:
    """Build the worker app. ``sessionmaker`` is the tenant sessionmaker (app role); when omitted the worker
    makes one from ``settings.database_url`` and checks the role like the API does."""
    if configure_process:
        configure_logging(f"{service}-worker", settings.log_level)
        configure_tracing(f"{service}-worker", settings.otel_endpoint, settings.otel_sample_ratio)

    broker = create_broker(settings.amqp_url, service=service)
    publisher = AmqpPublisher(settings.amqp_url, prefix=settings.amqp_prefix)
    owned: list[AsyncEngine] = []
    app_engine: AsyncEngine | None = None
    if sessionmaker is None:
        app_engine = create_engine(
            settings.database_url,
            application_name=f"{service}-worker",
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        owned.append(app_engine)
        sessionmaker = tenant_sessionmaker(app_engine)
    sessions = sessionmaker

    parts = [_parts(subscription) for subscription in subscriptions]
    specs = [spec for spec, _, _ in parts]
    consumers = [
        EventConsumer(
            spec, handler, sessions, inbox, publisher, prefix=settings.amqp_prefix, ordering=ordering
        )
        for spec, handler, ordering in parts
    ]
    for consumer in consumers:
        subscribe(broker, consumer)

    relay: OutboxRelay | None = None
    relay_engine: AsyncEngine | None = None
    if relay_table is not None or inbox is not None:
        # The relay role: reads every tenant's outbox rows and purges every tenant's old inbox rows.
        relay_engine = create_engine(
            settings.relay_database_url, application_name=f"{service}-relay", pool_size=2, max_overflow=1
        )
        owned.append(relay_engine)
    if relay_table is not None and relay_engine is not None:
        relay = OutboxRelay(
            relay_engine,
            relay_table,
            publisher,
            f"{service}.outbox",
            poll_seconds=relay_poll_seconds,
            max_publish_attempts=settings.outbox_max_publish_attempts,
        )
    monitor = QueueDepthMonitor(
        settings.amqp_url, settings.amqp_prefix, specs, interval=settings.queue_metrics_seconds
    )
    retention = timedelta(days=settings.inbox_retention_days)

    async def housekeeping() -> int:
        """Purge inbox rows older than the retention window; returns how many went."""
        if inbox is None or relay_engine is None:
            return 0
        purged = await purge_inbox(relay_engine, inbox, retention)
        INBOX_PURGED.labels(service).inc(purged)
        if purged:
            log.info("purged inbox rows", extra={"rows": purged})
        return purged

    async def housekeeping_loop() -> None:
        await repeat(housekeeping, housekeeping_seconds, log=log, what="inbox purge")

    async def ready() -> dict[str, str]:
        failures: dict[str, str] = {}
        try:
            async with sessions() as session:
                await session.execute(text("select 1"))
        except Exception as exc:  # a probe reports, it never raises
            failures["database"] = type(exc).__name__
        if not await broker.ping(timeout=2.0):
            failures["broker"] = "unreachable"
        return failures

    async def healthz(scope: Scope, receive: Receive, send: Send) -> None:
        await JSONResponse({"status": "ok"})(scope, receive, send)

    async def readyz(scope: Scope, receive: Receive, send: Send) -> None:
        failures = await ready()
        if failures:
            response = JSONResponse({"status": "not ready", "checks": failures}, status_code=503)
        else:
            response = JSONResponse({"status": "ready"})
        await response(scope, receive, send)

    async def on_startup() -> None:
        if settings.check_db_role and app_engine is not None:
            await check_app_role(app_engine)
        # Queues before consuming (subscribers only check them passively) and before the relay publishes.
        await declare_all(settings.amqp_url, settings.amqp_prefix, specs)
        await publisher.connect()

    async def after_startup() -> None:
        if relay is not None:
            app.relay_task = asyncio.create_task(relay.run(), name=f"{service}-outbox-relay")
        app.background = [
            asyncio.create_task(monitor.run(), name=f"{service}-queue-depths"),
            asyncio.create_task(housekeeping_loop(), name=f"{service}-housekeeping"),
        ]

    async def on_shutdown() -> None:
        task, app.relay_task = app.relay_task, None
        tasks = [*([task] if task is not None else []), *app.background]
        app.background = []
        for running in tasks:
            running.cancel()
        for running in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await running
        await _bounded(monitor.close(), "closing the queue-depth monitor")
        if relay is not None:
            await _bounded(relay.release(), "releasing the relay's lock connection")

    async def after_shutdown() -> None:
        # After the broker stopped: in-flight handlers may still dead-letter through the publisher.
        await _bounded(publisher.close(), "closing the publisher")
        for engine in owned:
            await _bounded(engine.dispose(), "disposing of a database engine")

    app = Worker(
        broker,
        logger=logging.getLogger("batchivo.faststream"),
        asgi_routes=[("/healthz", healthz), ("/readyz", readyz), ("/metrics", make_asgi_app(REGISTRY))],
        on_startup=[on_startup],
        after_startup=[after_startup],
        on_shutdown=[on_shutdown],
        after_shutdown=[after_shutdown],
    )
    app.relay, app.publisher, app.consumers, app.relay_task = relay, publisher, consumers, None
    app.monitor, app.housekeeping, app.background = monitor, housekeeping, []
    return app
