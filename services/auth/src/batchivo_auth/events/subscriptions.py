"""What the auth service consumes: nothing. It only publishes ``auth.tenant.created.v1`` (via its outbox).

``SUBSCRIPTIONS`` is what the ``declare-topology`` one-shot declares
(``python -m batchivo_common.messaging.topology --spec batchivo_auth.events.subscriptions:SUBSCRIPTIONS``);
``HANDLERS`` pairs each queue (by name) with its handler for the worker.
"""

from __future__ import annotations

from batchivo_common.messaging.consumer import Handler
from batchivo_common.messaging.topology import QueueSpec

SUBSCRIPTIONS: list[QueueSpec] = []
HANDLERS: dict[str, Handler] = {}
