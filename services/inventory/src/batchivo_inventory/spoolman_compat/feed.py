"""Spoolman's change messages, fed by the inventory's own events.

Each API process binds an exclusive, auto-deleted queue to ``inventory.spool.*`` and
``inventory.filament_type.*`` on the events exchange (so every process hears every change, whichever
process or worker made it) and hands each event to the :class:`Hub`, which pushes Spoolman messages to the
tenant's open sockets of the resource only, as Spoolman's own sockets do (``…/spool`` carries spool
messages, ``…/filament`` filament messages, ``…/vendor`` vendor messages):

- a spool event → ``spool`` (payload: the spool as ``GET /spool/{id}`` answers it, read when the event
  arrives);
- a filament-type event → ``filament`` (payload: as ``GET /filament/{id}`` answers it; for a deleted type,
  the fields its last event carries, the type being gone);
- a filament-type event → ``vendor`` messages when the shop's set of brands changed: the feed keeps the
  vendors last seen for each tenant with a vendor socket open and pushes the difference (a new brand is
  ``added``, a brand no type uses any more ``deleted``, a brand whose spelling changed ``updated``).

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

from batchivo_inventory.spoolman_compat import mapping, present
from batchivo_inventory.spoolman_compat.present import VendorRow
from batchivo_inventory.spoolman_compat.service import SpoolmanService
from batchivo_inventory.spools.service import SpoolService

log = logging.getLogger("batchivo.inventory.spoolman")

BINDINGS = ("inventory.spool.*.v1", "inventory.filament_type.*.v1")
#: The resources of Spoolman's sockets.
RESOURCES = ("spool", "filament", "vendor")
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


def filament_type(event_type: str) -> str | None:
    """``inventory.filament_type.created.v1`` → ``added``; None for any other event."""
    parts = event_type.split(".")
    if len(parts) != 4 or parts[:2] != ["inventory", "filament_type"]:
        return None
    return EVENT_TYPES.get(parts[2])


def vendor_changes(before: dict[int, VendorRow], after: dict[int, VendorRow]) -> list[tuple[str, VendorRow]]:
    """Spoolman's vendor messages between two sets of vendors (by id): added, updated (same id, spelling
    changed), deleted; in id order within each kind."""
    changes = [("added", after[i]) for i in sorted(after.keys() - before.keys())]
    changes += [("updated", after[i]) for i in sorted(after.keys() & before.keys()) if after[i] != before[i]]
    changes += [("deleted", before[i]) for i in sorted(before.keys() - after.keys())]
    return changes


def deleted_filament(data: dict[str, Any]) -> dict[str, Any] | None:
    """A deleted filament type's message payload, from its last event's data (the row is gone): its id and
    the fields the event carries; None without a Spoolman id."""
    number = data.get("spoolman_id")
    if not isinstance(number, int):
        return None
    brand = str(data.get("brand") or "")
    payload: dict[str, Any] = {
        "id": number,
        "name": data.get("color_name"),
        "vendor": {"id": mapping.vendor_id(brand), "name": brand},
        "material": data.get("material_code"),
        "diameter": data.get("diameter_mm"),
        "color_hex": mapping.color_out(data.get("color_hex")),
    }
    return {k: v for k, v in payload.items() if v is not None}


Channel = tuple[uuid.UUID, str]


@dataclass
class Hub:
    """The open sockets per tenant and resource; each gets its own bounded queue of messages."""

    _sockets: dict[Channel, set[asyncio.Queue[dict[str, Any]]]] = field(default_factory=dict)
    #: The vendors last seen of each tenant with a vendor socket open (the feed pushes the difference).
    vendors: dict[uuid.UUID, dict[int, VendorRow]] = field(default_factory=dict)

    @contextlib.contextmanager
    def subscribe(
        self, tenant_id: uuid.UUID, resource: str = "spool"
    ) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        channel = (tenant_id, resource)
        self._sockets.setdefault(channel, set()).add(queue)
        try:
            yield queue
        finally:
            queues = self._sockets.get(channel, set())
            queues.discard(queue)
            if not queues:
                self._sockets.pop(channel, None)
                if resource == "vendor":
                    self.vendors.pop(tenant_id, None)

    def listening(self, tenant_id: uuid.UUID, resource: str = "spool") -> bool:
        return bool(self._sockets.get((tenant_id, resource)))

    def push(self, tenant_id: uuid.UUID, message: dict[str, Any], resource: str = "spool") -> None:
        for queue in self._sockets.get((tenant_id, resource), set()):
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
            for binding in BINDINGS:
                await queue.bind(exchange, binding)
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
            try:
                if (kind := spoolman_type(envelope.event_type)) is not None:
                    await self._spool(envelope, kind)
                elif (kind := filament_type(envelope.event_type)) is not None:
                    await self._filament(envelope, kind)
                    await self._vendors(envelope)
            except Exception as exc:  # the database hiccuped: this message is lost, the feed goes on
                log.warning("spoolman change feed: change not read; message dropped", exc_info=exc)

    def _push(self, envelope: EventEnvelope, resource: str, kind: str, payload: dict[str, Any]) -> None:
        message = {"type": kind, "resource": resource, "date": _date(envelope), "payload": payload}
        self.hub.push(envelope.tenant_id, message, resource)

    async def _spool(self, envelope: EventEnvelope, kind: str) -> None:
        tenant_id = envelope.tenant_id
        if not self.hub.listening(tenant_id, "spool"):
            return
        payload = await self._spool_payload(tenant_id, envelope.aggregate_id)
        if payload is not None:
            self._push(envelope, "spool", kind, payload)

    async def _filament(self, envelope: EventEnvelope, kind: str) -> None:
        tenant_id = envelope.tenant_id
        if not self.hub.listening(tenant_id, "filament"):
            return
        if kind == "deleted":
            payload = deleted_filament(envelope.data)
        else:
            number = envelope.data.get("spoolman_id")
            payload = await self._filament_payload(tenant_id, number) if isinstance(number, int) else None
        if payload is not None:
            self._push(envelope, "filament", kind, payload)

    async def _vendors(self, envelope: EventEnvelope) -> None:
        tenant_id = envelope.tenant_id
        before = self.hub.vendors.get(tenant_id)
        if before is None or not self.hub.listening(tenant_id, "vendor"):
            return
        after = await self.vendors_now(tenant_id)
        if self.hub.vendors.get(tenant_id) is not before:  # the sockets left, or another event won
            return
        self.hub.vendors[tenant_id] = after
        for kind, vendor in vendor_changes(before, after):
            payload = present.vendor_out(vendor).model_dump(mode="json", exclude_none=True)
            self._push(envelope, "vendor", kind, payload)

    async def watch_vendors(self, tenant_id: uuid.UUID) -> None:
        """A vendor socket of ``tenant_id`` opened: remember its vendors now, if nobody does yet."""
        if tenant_id not in self.hub.vendors:
            self.hub.vendors[tenant_id] = await self.vendors_now(tenant_id)

    async def vendors_now(self, tenant_id: uuid.UUID) -> dict[int, VendorRow]:
        current_tenant.set(tenant_id)
        async with self.sessionmaker() as session, session.begin():
            vendors = await SpoolmanService(session, SpoolService(session)).vendors_of(tenant_id)
        return {v.id: v for v in vendors}

    async def _filament_payload(self, tenant_id: uuid.UUID, number: int) -> dict[str, Any] | None:
        current_tenant.set(tenant_id)
        async with self.sessionmaker() as session, session.begin():
            shown = await SpoolmanService(session, SpoolService(session)).present_filament(tenant_id, number)
        return shown.model_dump(mode="json", exclude_none=True) if shown is not None else None

    async def _spool_payload(self, tenant_id: uuid.UUID, spool_id: uuid.UUID | None) -> dict[str, Any] | None:
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


def _date(envelope: EventEnvelope) -> str:
    return envelope.occurred_at.isoformat().replace("+00:00", "Z")
