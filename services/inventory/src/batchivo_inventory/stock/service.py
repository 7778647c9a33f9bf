"""Low stock (once per crossing, via the outbox), the low-stock report and the stock summary."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from batchivo_common.contracts.inventory import StockLowV1
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import add_event
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.db import outbox
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.spools import rules as spool_rules
from batchivo_inventory.spools.models import Spool
from batchivo_inventory.spools.repository import SpoolRepository, SpoolRow
from batchivo_inventory.stock import rules
from batchivo_inventory.stock.repository import StockRepository, SummaryRow

PRODUCER = "inventory"
STOCK_LOW = "inventory.stock.low.v1"


@dataclass(frozen=True, slots=True)
class LowFilamentType:
    filament: FilamentType
    material: MaterialType
    total_grams: Decimal


class StockService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.stock = StockRepository(session)
        self.spools = SpoolRepository(session)

    async def check_spool(self, spool: Spool) -> None:
        """Publish ``inventory.stock.low.v1`` when ``spool`` (locked by the caller) just became low; clear
        the flag when it recovered (or was archived)."""
        is_low = not spool.is_archived and spool_rules.is_low_stock(
            spool.current_weight, spool.initial_weight, spool.low_stock_threshold_pct
        )
        crossing = rules.crossing(is_low=is_low, notified=spool.low_stock_notified)
        if crossing is rules.Crossing.none:
            return
        spool.low_stock_notified = crossing is rules.Crossing.became_low
        await self.session.flush()
        if crossing is rules.Crossing.became_low:
            threshold = spool_rules.grams(spool.initial_weight * spool.low_stock_threshold_pct / 100)
            await self._publish(
                spool.tenant_id,
                StockLowV1(
                    scope="spool",
                    filament_type_id=spool.filament_type_id,
                    spool_id=spool.id,
                    code=spool.code,
                    remaining_grams=float(spool.current_weight),
                    threshold_grams=float(threshold),
                ),
                aggregate_id=spool.id,
            )

    async def check_filament_type(
        self, tenant_id: uuid.UUID, filament_type_id: uuid.UUID, *, known: FilamentType | None = None
    ) -> None:
        """The same for a filament type: its active spools' total against ``min_stock_grams``.

        Locks the type's row, so concurrent spool changes decide the crossing one at a time. ``known``: the
        type as this transaction already read it; a type with no reorder level that was never notified has
        nothing to decide, so it is neither locked nor read again (the common case of a ``use``: no lock
        queue on the type row behind every use of its spools). A reorder level set meanwhile is seen by the
        next change of one of its spools.
        """
        if known is not None and known.min_stock_grams <= 0 and not known.low_stock_notified:
            return
        filament = await self.stock.lock_filament_type(tenant_id, filament_type_id)
        if filament is None:  # pragma: no cover - the spool's FK guarantees it
            return
        if filament.min_stock_grams <= 0 and not filament.low_stock_notified:
            # No reorder level: never low, nothing to recover. Skip summing the type's spools (thousands).
            return
        total = await self.stock.active_grams(filament_type_id)
        is_low = rules.filament_type_is_low(total, filament.min_stock_grams)
        crossing = rules.crossing(is_low=is_low, notified=filament.low_stock_notified)
        if crossing is rules.Crossing.none:
            return
        filament.low_stock_notified = crossing is rules.Crossing.became_low
        await self.session.flush()
        if crossing is rules.Crossing.became_low:
            await self._publish(
                tenant_id,
                StockLowV1(
                    scope="filament_type",
                    filament_type_id=filament.id,
                    remaining_grams=float(total),
                    threshold_grams=float(filament.min_stock_grams),
                ),
                aggregate_id=filament.id,
            )

    async def low_spools(self, tenant_id: uuid.UUID) -> list[SpoolRow]:
        return await self.spools.low_stock(tenant_id)

    async def low_filament_types(self, tenant_id: uuid.UUID) -> list[LowFilamentType]:
        return [
            LowFilamentType(f, m, total) for f, m, total in await self.stock.low_filament_types(tenant_id)
        ]

    async def summary(self, tenant_id: uuid.UUID) -> list[SummaryRow]:
        return await self.stock.summary(tenant_id)

    async def _publish(self, tenant_id: uuid.UUID, data: StockLowV1, *, aggregate_id: uuid.UUID) -> None:
        event = new_event(
            STOCK_LOW,
            producer=PRODUCER,
            tenant_id=tenant_id,
            aggregate_id=aggregate_id,
            data=data.model_dump(),
        )
        await add_event(self.session, outbox, event)
