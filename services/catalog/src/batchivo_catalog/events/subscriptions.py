"""What the catalog service consumes (design.md §2.10): inventory's filament types (the live material
cost) and the production run outcomes (actual cost, finished-goods stock).

``SUBSCRIPTIONS`` is what the ``declare-topology`` one-shot declares
(``python -m batchivo_common.messaging.topology --spec batchivo_catalog.events.subscriptions:SUBSCRIPTIONS``);
``HANDLERS`` pairs each queue (by name) with its handler for the worker.
"""

from __future__ import annotations

from batchivo_common.messaging.consumer import Handler
from batchivo_common.messaging.topology import QueueSpec

from batchivo_catalog.events import handlers

FILAMENT_TYPES = QueueSpec(
    "catalog",
    "filament_types",
    (
        "inventory.filament_type.created.v1",
        "inventory.filament_type.updated.v1",
        "inventory.filament_type.deleted.v1",
    ),
)
RUN_COMPLETED = QueueSpec("catalog", "run_completed", ("production.run.completed.v1",))
RUN_REVERTED = QueueSpec("catalog", "run_reverted", ("production.run.reverted.v1",))

SUBSCRIPTIONS: list[QueueSpec] = [FILAMENT_TYPES, RUN_COMPLETED, RUN_REVERTED]
HANDLERS: dict[str, Handler] = {
    FILAMENT_TYPES.name: handlers.on_filament_type,
    RUN_COMPLETED.name: handlers.on_run_completed,
    RUN_REVERTED.name: handlers.on_run_reverted,
}
