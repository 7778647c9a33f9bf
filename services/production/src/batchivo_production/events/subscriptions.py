"""What the production service consumes (design.md §2.10): inventory's spools, the catalog's models (the
read models), inventory's deduction outcome and the spools printers' API keys report usage on.

``SUBSCRIPTIONS`` is what the ``declare-topology`` one-shot declares
(``python -m batchivo_common.messaging.topology
--spec batchivo_production.events.subscriptions:SUBSCRIPTIONS``); ``HANDLERS`` pairs each queue (by name)
with its handler for the worker.
"""

from __future__ import annotations

from batchivo_common.messaging.consumer import Handler
from batchivo_common.messaging.topology import QueueSpec

from batchivo_production.events import handlers

SPOOLS = QueueSpec(
    "production",
    "spools",
    (
        "inventory.spool.created.v1",
        "inventory.spool.updated.v1",
        "inventory.spool.archived.v1",
        "inventory.spool.deleted.v1",
    ),
)
MODELS = QueueSpec(
    "production",
    "models",
    ("catalog.model.created.v1", "catalog.model.updated.v1", "catalog.model.deleted.v1"),
)
USAGE_RECORDED = QueueSpec("production", "usage_recorded", ("inventory.usage.recorded.v1",))
USAGE_REPORTED = QueueSpec("production", "usage_reported", ("inventory.spool.usage_reported.v1",))

SUBSCRIPTIONS: list[QueueSpec] = [SPOOLS, MODELS, USAGE_RECORDED, USAGE_REPORTED]
HANDLERS: dict[str, Handler] = {
    SPOOLS.name: handlers.on_spool,
    MODELS.name: handlers.on_model,
    USAGE_RECORDED.name: handlers.on_usage_recorded,
    USAGE_REPORTED.name: handlers.on_usage_reported,
}
