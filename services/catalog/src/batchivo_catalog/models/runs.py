"""Production outcomes: a completed run adds its good units and actual unit costs per model; its revert
removes exactly that contribution. Each run's rows are kept (``run_contributions``) so a revert needs
nothing but the run id, and a second delivery of either event changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.models.models import RunContribution
from batchivo_catalog.models.repository import ModelRepository


@dataclass(frozen=True, slots=True)
class Outcome:
    model_id: uuid.UUID
    successful_units: int
    actual_unit_cost: Decimal | None


class RunOutcomes:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.repo = ModelRepository(session)

    async def completed(
        self,
        tenant_id: uuid.UUID,
        run_id: uuid.UUID,
        event_id: uuid.UUID,
        outcomes: Iterable[Outcome],
        label: str,
    ) -> None:
        if await self.repo.contributions(tenant_id, run_id):
            return  # already applied (a re-completion after a revert arrives with a new set of rows)
        merged: dict[uuid.UUID, Outcome] = {}
        for o in outcomes:
            prev = merged.get(o.model_id)
            if prev is None:
                merged[o.model_id] = o
            else:  # one model on two lines of a run: add units, weight the cost
                units = prev.successful_units + o.successful_units
                cost = None
                if prev.actual_unit_cost is not None and o.actual_unit_cost is not None and units:
                    cost = (
                        prev.actual_unit_cost * prev.successful_units
                        + o.actual_unit_cost * o.successful_units
                    ) / units
                merged[o.model_id] = Outcome(o.model_id, units, cost)
        known = await self.repo.live_ids(tenant_id, list(merged)) if merged else set()
        for model_id in sorted(merged):
            outcome = merged[model_id]
            if model_id not in known:
                continue  # a model deleted meanwhile or unknown here: nothing to book
            await self.repo.add_contribution(
                RunContribution(
                    id=uuid.uuid4(),
                    tenant_id=tenant_id,
                    run_id=run_id,
                    model_id=model_id,
                    successful_units=outcome.successful_units,
                    actual_unit_cost=outcome.actual_unit_cost,
                )
            )
            if outcome.successful_units > 0:
                await self.repo.move_model_stock(
                    tenant_id,
                    model_id,
                    outcome.successful_units,
                    kind="production",
                    reason=label,
                    production_run_id=run_id,
                    source_event_id=event_id,
                )

    async def reverted(
        self, tenant_id: uuid.UUID, run_id: uuid.UUID, event_id: uuid.UUID, label: str
    ) -> None:
        """Take back exactly what the run added: its units (down to 0 if some were already used) and its
        share of the actual cost average."""
        for row in sorted(await self.repo.contributions(tenant_id, run_id), key=lambda r: r.model_id):
            if row.successful_units > 0:
                current = await self.repo.current_units(tenant_id, row.model_id)
                take = min(row.successful_units, current)
                if take > 0:
                    await self.repo.move_model_stock(
                        tenant_id,
                        row.model_id,
                        -take,
                        kind="revert",
                        reason=label if take == row.successful_units else f"{label} (only {take} left)",
                        production_run_id=run_id,
                        source_event_id=event_id,
                    )
        await self.repo.remove_contributions(tenant_id, run_id)
