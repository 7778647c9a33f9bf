"""The delivery log's retention: finished deliveries are deleted some days after their last attempt.

Run by the worker as the relay role, whose only DELETE policy on ``deliveries`` admits finished rows
(migration 0002): a pending delivery is never purged. Batches in short transactions, so a large backlog
never holds locks for long; two workers purging at once simply delete each row once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from batchivo_common.db.housekeeping import delete_in_batches, repeat
from prometheus_client import Counter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("batchivo.webhooks.retention")

PURGED = Counter("batchivo_webhook_deliveries_purged_total", "Finished deliveries deleted after retention.")

_PURGE = text(
    """
    DELETE FROM webhooks.deliveries
    WHERE id IN (
        SELECT id FROM webhooks.deliveries
        WHERE status <> 'pending' AND last_attempt_at < now() - CAST(:retention AS interval)
        LIMIT :batch
    )
    """
)


async def purge_deliveries(engine: AsyncEngine, retention: timedelta, *, batch_size: int = 5000) -> int:
    """Delete the finished deliveries last attempted longer ago than ``retention``; returns how many."""
    total = await delete_in_batches(engine, _PURGE, {"retention": retention}, batch_size=batch_size)
    PURGED.inc(total)
    return total


async def purge_forever(engine: AsyncEngine, retention: timedelta, every_seconds: float) -> None:
    """The worker's purge loop: a failed round is logged and tried again at the next one."""

    async def purge() -> None:
        purged = await purge_deliveries(engine, retention)
        if purged:
            log.info("purged webhook deliveries", extra={"rows": purged})

    await repeat(purge, every_seconds, log=log, what="purging webhook deliveries")
