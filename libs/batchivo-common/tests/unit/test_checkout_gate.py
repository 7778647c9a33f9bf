"""The checkout gate (db/checkout.py): requests get a slot in the order they asked, a newcomer never
passes a waiter, and a wait past the timeout is the pool's own error (answered 503 by db.errors)."""

from __future__ import annotations

import asyncio

import pytest
from batchivo_common.db.checkout import CheckoutGate
from sqlalchemy import exc as sa_exc


async def test_slots_are_given_in_the_order_asked_and_never_to_a_newcomer_first() -> None:
    gate = CheckoutGate(1, timeout=5)
    order: list[str] = []

    async def waiter(name: str) -> None:
        async with gate.slot():
            order.append(name)

    async with gate.slot():
        order.append("holder")
        waiters = [asyncio.create_task(waiter(f"waiter {n}")) for n in range(3)]
        await asyncio.sleep(0)  # all three now wait for the slot
    # Released: waiter 0 is woken but has not run yet. A newcomer asking right now (what a request
    # arriving at that moment does) must queue behind all three; asyncio.Queue would hand it the slot.
    async with gate.slot():
        order.append("newcomer")
    await asyncio.gather(*waiters)
    assert order == ["holder", "waiter 0", "waiter 1", "waiter 2", "newcomer"]


async def test_a_wait_past_the_timeout_is_the_pools_timeout_and_frees_nothing() -> None:
    gate = CheckoutGate(1, timeout=0.05)
    async with gate.slot():
        with pytest.raises(sa_exc.TimeoutError):
            async with gate.slot():
                pass  # pragma: no cover - never entered
    async with gate.slot():  # the slot the timed-out request never had is not given back twice
        async with asyncio.timeout(0.2):
            with pytest.raises(sa_exc.TimeoutError):
                async with gate.slot():
                    pass  # pragma: no cover - never entered
