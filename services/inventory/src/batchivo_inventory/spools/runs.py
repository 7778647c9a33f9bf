"""Use cases driven by production runs: book usage/waste (with discrepancies) and returns.

Idempotent twice over: the consumer pipeline's inbox skips a redelivered event, and every row booked for an
event carries its ``source_event_id``, unique per (tenant, event, spool, kind); a spool that already has
rows from this event is skipped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from batchivo_common.contracts.inventory import SpoolUsage, UsageRecordedV1
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import add_event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.db import outbox
from batchivo_inventory.spools import rules
from batchivo_inventory.spools.models import InventoryTransaction
from batchivo_inventory.spools.service import PRODUCER, SpoolService

log = logging.getLogger("batchivo.inventory.runs")

USAGE_RECORDED = "inventory.usage.recorded.v1"


@dataclass(frozen=True, slots=True)
class RunEvent:
    tenant_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    run_id: uuid.UUID


def merge(items: Iterable[tuple[uuid.UUID, float]]) -> list[tuple[uuid.UUID, Decimal]]:
    """Grams per spool (summed when a spool appears twice), in spool-id order: every handler locks spools
    in the same order, so two runs touching the same spools cannot deadlock."""
    totals: dict[uuid.UUID, Decimal] = {}
    for spool_id, grams in items:
        totals[spool_id] = totals.get(spool_id, Decimal(0)) + rules.grams(Decimal(str(grams)))
    return sorted(totals.items(), key=lambda item: str(item[0]))


class RunBookings:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.spools = SpoolService(session)

    async def consume(
        self, event: RunEvent, items: Iterable[tuple[uuid.UUID, float]], kind: rules.Kind, reason: str
    ) -> list[SpoolUsage]:
        """Book ``kind`` (usage or waste) per spool; more than the record holds books a discrepancy first."""
        outcome: list[SpoolUsage] = []
        done = await self._already_booked(event)
        for spool_id, grams in merge(items):
            if spool_id in done:
                continue
            locked = await self.spools.lock(event.tenant_id, spool_id)
            if locked is None:
                log.warning("run %s names unknown spool %s; nothing booked", event.run_id, spool_id)
                outcome.append(SpoolUsage(spool_id=spool_id, booked_grams=0, discrepancy_grams=float(grams)))
                continue
            spool = locked.spool
            booking = rules.split_consumption(spool.current_weight, grams)
            common = {"source_event_id": event.event_id, "production_run_id": event.run_id}
            if booking.discrepancy > 0:
                await self.spools.move(
                    spool,
                    rules.Kind.adjustment,
                    booking.discrepancy,
                    reason=rules.DISCREPANCY_REASON,
                    **common,
                )
            await self.spools.move(spool, kind, -booking.consumed, reason=reason, **common)
            await self.spools.after_weight_change(spool, locked)
            outcome.append(
                SpoolUsage(
                    spool_id=spool_id,
                    booked_grams=float(booking.consumed),
                    discrepancy_grams=float(booking.discrepancy),
                )
            )
        if outcome:
            data = UsageRecordedV1(run_id=event.run_id, source_event_type=event.event_type, spools=outcome)
            await add_event(
                self.session,
                outbox,
                new_event(
                    USAGE_RECORDED,
                    producer=PRODUCER,
                    tenant_id=event.tenant_id,
                    aggregate_id=event.run_id,
                    data=data.model_dump(mode="json"),
                ),
            )
        return outcome

    async def give_back(self, event: RunEvent, items: Iterable[tuple[uuid.UUID, float]]) -> None:
        """Book a ``return`` per spool, linked (``reversal_of_id``) to the run's latest usage/waste row."""
        done = await self._already_booked(event)
        for spool_id, grams in merge(items):
            if spool_id in done:
                continue
            locked = await self.spools.lock(event.tenant_id, spool_id)
            if locked is None:
                log.warning("run %s names unknown spool %s; nothing returned", event.run_id, spool_id)
                continue
            spool = locked.spool
            reversed_rows = await self.spools.ledger.of_run(
                event.tenant_id, event.run_id, spool_id, (rules.Kind.usage.value, rules.Kind.waste.value)
            )
            await self.spools.move(
                spool,
                rules.Kind.return_,
                grams,
                reason="run reverted",
                source_event_id=event.event_id,
                production_run_id=event.run_id,
                reversal_of_id=reversed_rows[-1].id if reversed_rows else None,
            )
            await self.spools.after_weight_change(spool, locked)

    async def _already_booked(self, event: RunEvent) -> set[uuid.UUID]:
        stmt = select(InventoryTransaction.spool_id).where(
            InventoryTransaction.tenant_id == event.tenant_id,
            InventoryTransaction.source_event_id == event.event_id,
        )
        return set((await self.session.execute(stmt)).scalars().all())
