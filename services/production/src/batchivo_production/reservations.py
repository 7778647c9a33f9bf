"""Reservations (domain.md §4, none of the anchors had them): the estimated grams of planned and
in-progress runs are held on their spools. ``available = current - reserved``; nothing is stored, the
reservation is the sum over the live runs' material lines, so finishing or cancelling a run releases it
by changing the run's status alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from batchivo_common.errors import Conflict
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_production.runs.models import ProductionRun, RunMaterial
from batchivo_production.runs.rules import RESERVING


@dataclass(frozen=True, slots=True)
class Stock:
    current: Decimal
    reserved: Decimal

    @property
    def available(self) -> Decimal:
        return self.current - self.reserved


class InsufficientStock(Conflict):
    code = "INSUFFICIENT_STOCK"


def shortfall(spool_code: str, stock: Stock, needed: Decimal) -> InsufficientStock | None:
    """The 409 to raise when ``needed`` grams exceed what the spool has available, else None."""
    if needed <= stock.available:
        return None
    short = needed - max(stock.available, Decimal(0))
    return InsufficientStock(
        f"Spool {spool_code} has {max(stock.available, Decimal(0))} g available"
        f" ({stock.current} g less {stock.reserved} g reserved); {needed} g needed, short by {short} g"
    )


async def reserved(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    spool_ids: set[uuid.UUID],
    *,
    exclude_line: uuid.UUID | None = None,
) -> dict[uuid.UUID, Decimal]:
    """Grams reserved per spool by the tenant's planned and in-progress runs."""
    if not spool_ids:
        return {}
    m = RunMaterial
    total = func.coalesce(
        func.sum(m.estimated_model_grams + m.estimated_flush_grams + m.estimated_tower_grams), 0
    )
    stmt = (
        select(m.spool_id, total)
        .join(ProductionRun, ProductionRun.id == m.run_id)
        .where(
            m.tenant_id == tenant_id,
            m.spool_id.in_(spool_ids),
            ProductionRun.status.in_([s.value for s in RESERVING]),
        )
        .group_by(m.spool_id)
    )
    if exclude_line is not None:
        stmt = stmt.where(m.id != exclude_line)
    result = {s: Decimal(0) for s in spool_ids}
    for spool_id, grams in (await session.execute(stmt)).all():
        result[spool_id] = Decimal(grams)
    return result
