"""Workers' housekeeping: deleting old rows in batches, and running such a job again and again.

The inbox purge (every worker) and the webhook delivery log's retention share both: batches in short
transactions, so a large backlog never holds locks for long (two replicas purging at once delete each row
once), and a loop where a failed round is logged and tried again at the next one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncEngine


async def delete_in_batches(
    engine: AsyncEngine, statement: Executable, params: Mapping[str, Any], *, batch_size: int
) -> int:
    """Run ``statement``, a DELETE of at most ``:batch`` rows, each time in its own transaction, until it
    deletes fewer than a batch; returns how many rows went in all."""
    total = 0
    while True:
        async with engine.begin() as conn:
            result = await conn.execute(statement, {**params, "batch": batch_size})
        count = int(getattr(result, "rowcount", 0) or 0)
        total += count
        if count < batch_size:
            return total


async def repeat(
    job: Callable[[], Awaitable[object]], every_seconds: float, *, log: logging.Logger, what: str
) -> None:
    """Run ``job`` now and then every ``every_seconds``, until cancelled; a round that fails is logged as
    ``what`` failing and tried again at the next one."""
    while True:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("%s failed; retrying later", what, exc_info=True)
        await asyncio.sleep(every_seconds)
