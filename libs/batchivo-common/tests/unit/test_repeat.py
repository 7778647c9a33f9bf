"""``housekeeping.repeat``: a job runs again and again; a failed round is logged and does not end the loop."""

from __future__ import annotations

import asyncio
import logging

import pytest
from batchivo_common.db.housekeeping import repeat


async def test_a_failed_round_is_logged_and_the_next_one_runs(caplog: pytest.LogCaptureFixture) -> None:
    rounds: list[int] = []
    third = asyncio.Event()

    async def job() -> None:
        rounds.append(len(rounds) + 1)
        if len(rounds) == 1:
            raise RuntimeError("database away")
        if len(rounds) == 3:
            third.set()

    log = logging.getLogger("test.repeat")
    with caplog.at_level(logging.WARNING, logger="test.repeat"):
        task = asyncio.create_task(repeat(job, 0.001, log=log, what="the test job"))
        await asyncio.wait_for(third.wait(), timeout=5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert rounds[:3] == [1, 2, 3]
    assert [r.getMessage() for r in caplog.records] == ["the test job failed; retrying later"]
