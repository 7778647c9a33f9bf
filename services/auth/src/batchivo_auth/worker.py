"""The auth worker process: the outbox relay (publishes ``auth.tenant.created.v1``) and its probes.

Auth consumes no events, so the worker has no subscribers; it still declares the topology at start-up.
"""

from __future__ import annotations

from batchivo_common.app import serve_factory
from batchivo_common.tenant_service import WorkerFactory, worker_factory

from batchivo_auth.db import inbox, outbox
from batchivo_auth.events.subscriptions import HANDLERS, SUBSCRIPTIONS
from batchivo_auth.settings import AuthSettings

#: ``create_worker_app(settings=None, *, configure_process=True, sessionmaker=None, relay_poll_seconds=2.0)``
create_worker_app: WorkerFactory[AuthSettings] = worker_factory(
    AuthSettings,
    service="auth",
    relay_table=outbox,
    inbox=inbox,
    subscriptions=[(spec, HANDLERS[spec.name]) for spec in SUBSCRIPTIONS],
)


def run() -> None:
    """``auth-worker``: serve the worker with uvicorn (probes on ``worker_http_port``)."""
    settings = AuthSettings()
    serve_factory(
        "batchivo_auth.worker:create_worker_app", host=settings.http_host, port=settings.worker_http_port
    )
