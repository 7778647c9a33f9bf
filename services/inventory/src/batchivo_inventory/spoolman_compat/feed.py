"""Spoolman's change messages, fed by the inventory's own events.

Each API process binds an exclusive, auto-deleted queue to ``inventory.spool.*`` on the events exchange (so
every process hears every change, whichever process or worker made it) and hands each event to the
:class:`Hub`, which pushes a Spoolman message to the tenant's open ``…/api/v1/spool`` sockets only. The
payload is the spool as ``GET /spool/{id}`` answers it, read when the event arrives.

Messages are best effort, as Spoolman's are: a socket that does not keep up loses its oldest messages, and
while the broker is unreachable none are sent (the feed reconnects); the ledger is never affected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, ExchangeType
from batchivo_common.db.tenancy import current_tenant
from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.messaging.topology import Names
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from batchivo_inventory.spoolman_compat.service import SpoolmanService
from batchivo_inventory.spools.service import SpoolService

log = logging.getLogger("batchivo.inventory.spoolman")

BINDING = "inventory.spool.*.v1"
#: Messages a socket may have waiting; past it the oldest is dropped.
QUEUE_SIZE = 100
RECONNECT_SECONDS = 5.0
#: Our verb → Spoolman's event type (an archive is Spoolman's delete: the spool leaves the lists).
EVENT_TYPES = {"created": "added", "updated": "updated", "archived": "deleted", "deleted": "deleted"}


def spoolman_type(event_type: str) -> str | None:
    """``inventory.spool.updated.v1`` → ``updated``; None for an event Spoolman has no word for."""
    parts = event_type.split(".")
    if len(parts) != 4 or parts[:2] != ["inventory", "spool"]:
        return None
    return EVENT_TYPES.get(parts[2])


@dataclass
class Hub:
    """The open sockets per tenant; each gets its own bounded queue of messages."""

    _sockets: dict[uuid.UUID, set[asyncio.Queue[dict[str, Any]]]] = field(default_factory=dict)

    @contextlib.contextmanager
    def subscribe(self, tenant_id: uuid.UUID) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._sockets.setdefault(tenant_id, set()).add(queue)
        try:
            yield queue
        finally:
            queues = self._sockets.get(tenant_id, set())
            queues.discard(queue)
            if not queues:
                self._sockets.pop(tenant_id, None)

    def listening(self, tenant_id: uuid.UUID) -> bool:
        return bool(self._sockets.get(tenant_id))

    def push(self, tenant_id: uuid.UUID, message: dict[str, Any]) -> None:
        for queue in self._sockets.get(tenant_id, set()):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(message)


class Feed:
    """The process's subscription to spool events (run as a task for the app's lifespan)."""

    def __init__(
        self, amqp_url: str, names: Names, hub: Hub, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        self.amqp_url, self.names, self.hub, self.sessionmaker = amqp_url, names, hub, sessionmaker
        self.ready = asyncio.Event()

    async def run(self) -> None:
        while True:
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the broker went away: messages pause, the API goes on
                self.ready.clear()
                log.warning("spoolman change feed interrupted; reconnecting", exc_info=exc)
                await asyncio.sleep(RECONNECT_SECONDS)

    async def _consume(self) -> None:
        connection = await aio_pika.connect(self.amqp_url)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange(self.names.events, ExchangeType.TOPIC, durable=True)
            queue = await channel.declare_queue(exclusive=True, auto_delete=True)
            await queue.bind(exchange, BINDING)
            self.ready.set()
            async with queue.iterator() as messages:
                async for message in messages:
                    await self._handle(message)

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        async with message.process(ignore_processed=True):
            try:
                envelope = EventEnvelope.model_validate_json(message.body)
            except ValidationError:
                log.warning("spoolman change feed: unreadable event ignored")
                return
            kind = spoolman_type(envelope.event_type)
            tenant_id = envelope.tenant_id
            if kind is None or not self.hub.listening(tenant_id):
                return
            try:
                payload = await self._payload(tenant_id, envelope.aggregate_id)
            except Exception as exc:  # the database hiccuped: this message is lost, the feed goes on
                log.warning("spoolman change feed: spool not read; message dropped", exc_info=exc)
                return
            if payload is None:
                return
            self.hub.push(
                tenant_id,
                {
                    "type": kind,
                    "resource": "spool",
                    "date": envelope.occurred_at.isoformat().replace("+00:00", "Z"),
                    "payload": payload,
                },
            )

    async def _payload(self, tenant_id: uuid.UUID, spool_id: uuid.UUID | None) -> dict[str, Any] | None:
        """The spool as Spoolman's GET answers it; None when it has no Spoolman id or is gone (a hard
        delete: only spools without history can be deleted, and their change is not announced)."""
        if spool_id is None:
            return None
        current_tenant.set(tenant_id)
        async with self.sessionmaker() as session, session.begin():
            spools = SpoolService(session)
            row = await spools.spools.get(tenant_id, spool_id)
            if row is None:
                return None
            shown = await SpoolmanService(session, spools).present_row(tenant_id, row)
        return shown.model_dump(mode="json", exclude_none=True) if shown is not None else None
