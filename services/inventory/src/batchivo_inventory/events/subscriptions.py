"""What the inventory service consumes: the production run outcomes (design.md §2.10).

``SUBSCRIPTIONS`` is what the ``declare-topology`` one-shot declares
(``python -m batchivo_common.messaging.topology
--spec batchivo_inventory.events.subscriptions:SUBSCRIPTIONS``);
``HANDLERS`` pairs each queue (by name) with its handler for the worker, ``ORDERING`` with how its events
are ordered: every run event is recorded in the inbox under its run, and a ``reverted`` waits until its
run's ``completed`` was applied (each event type has its own queue, so they can arrive in either order).
"""

from __future__ import annotations

from batchivo_common.messaging.consumer import Handler, Ordering
from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.messaging.topology import QueueSpec

from batchivo_inventory.events import handlers

COMPLETED = "production.run.completed.v1"

RUN_COMPLETED = QueueSpec("inventory", "run_completed", (COMPLETED,))
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


def run_key(envelope: EventEnvelope) -> str:
    """The aggregate of every run event: its run (the payload is validated before this runs)."""
    return f"run:{envelope.data['run_id']}"


#: Only a completed run can be reverted (domain.md §5): a revert is applied after as many completions of
#: its run as there were earlier reverts, so completed → reverted → completed → reverted pairs up.
ORDERING: dict[str, Ordering] = {
    RUN_COMPLETED.name: Ordering(key=run_key),
    RUN_FAILED.name: Ordering(key=run_key),
    RUN_CANCELLED.name: Ordering(key=run_key),
    RUN_REVERTED.name: Ordering(key=run_key, after=(COMPLETED,)),
}
