"""What the webhooks service consumes: every public event of design.md §2.10 (``catalogue.PUBLIC_EVENTS``),
on one queue, ``webhooks.public_events``.

``SUBSCRIPTIONS`` is what the ``declare-topology`` one-shot declares
(``python -m batchivo_common.messaging.topology
--spec batchivo_webhooks.events.subscriptions:SUBSCRIPTIONS``);
``HANDLERS`` pairs the queue (by name) with its handler for the worker.
"""

from __future__ import annotations

from batchivo_common.messaging.consumer import Handler
from batchivo_common.messaging.topology import QueueSpec

from batchivo_webhooks.catalogue import SUBSCRIBABLE
from batchivo_webhooks.events import handlers

PUBLIC_EVENTS = QueueSpec("webhooks", "public_events", SUBSCRIBABLE)

SUBSCRIPTIONS: list[QueueSpec] = [PUBLIC_EVENTS]
HANDLERS: dict[str, Handler] = {PUBLIC_EVENTS.name: handlers.on_public_event}
