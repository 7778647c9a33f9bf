"""An inventory worker, run as its own process by ``test_messaging_faults.py``, whose run-completed handler
kills the process (``os._exit``) for a run numbered ``CRASH``; every other event goes to the real handler.

    python -m uvicorn --factory faulty_worker:create_app --port N   (with tests/e2e on PYTHONPATH)

Settings come from the environment like the real worker's (``INVENTORY_*``, ``BATCHIVO_*``); the queue's
attempt budget is lowered so the test ends quickly.
"""

from __future__ import annotations

import dataclasses
import os

from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.messaging.worker import Worker, create_worker
from batchivo_inventory.db import inbox, outbox
from batchivo_inventory.events import handlers
from batchivo_inventory.events.subscriptions import ORDERING, RUN_COMPLETED
from batchivo_inventory.settings import InventorySettings
from sqlalchemy.ext.asyncio import AsyncSession

CRASH_RUN_NUMBER = "CRASH"
EXIT_CODE = 17
SPEC = dataclasses.replace(RUN_COMPLETED, max_attempts=3, retry_delays_ms=(300, 600))


async def crashing(session: AsyncSession, envelope: EventEnvelope) -> None:
    if envelope.data.get("run_number") == CRASH_RUN_NUMBER:
        os._exit(EXIT_CODE)  # no except, no finally, no reject: the process is simply gone
    await handlers.on_run_completed(session, envelope)


def create_app() -> Worker:
    return create_worker(
        InventorySettings(),
        service="inventory",
        relay_table=outbox,
        subscriptions=[(SPEC, crashing, ORDERING[SPEC.name])],
        inbox=inbox,
        relay_poll_seconds=0.3,
    )
