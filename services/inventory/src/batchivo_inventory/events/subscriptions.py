"""What the inventory service consumes: the production run outcomes (design.md §2.10).

``SUBSCRIPTIONS`` is what the ``declare-topology`` one-shot declares
(``python -m batchivo_common.messaging.topology
--spec batchivo_inventory.events.subscriptions:SUBSCRIPTIONS``);
``HANDLERS`` pairs each queue (by name) with its handler for the worker.
"""

from __future__ import annotations

from batchivo_common.messaging.consumer import Handler
from batchivo_common.messaging.topology import QueueSpec

from batchivo_inventory.events import handlers

RUN_COMPLETED = QueueSpec("inventory", "run_completed", ("production.run.completed.v1",))
RUN_FAILED = QueueSpec("inventory", "run_failed", ("production.run.failed.v1",))
RUN_CANCELLED = QueueSpec("inventory", "run_cancelled", ("production.run.cancelled.v1",))
RUN_REVERTED = QueueSpec("inventory", "run_reverted", ("production.run.reverted.v1",))

SUBSCRIPTIONS: list[QueueSpec] = [RUN_COMPLETED, RUN_FAILED, RUN_CANCELLED, RUN_REVERTED]
HANDLERS: dict[str, Handler] = {
    RUN_COMPLETED.name: handlers.on_run_completed,
    RUN_FAILED.name: handlers.on_run_failed,
    RUN_CANCELLED.name: handlers.on_run_cancelled,
    RUN_REVERTED.name: handlers.on_run_reverted,
}
