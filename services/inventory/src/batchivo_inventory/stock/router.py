"""``/api/v1/inventory``: low stock and the stock summary (the shop-wide ledger is in ``history/``)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter

from batchivo_inventory.deps import StockServiceDep, ViewerDep
from batchivo_inventory.spools.router import spool_read
from batchivo_inventory.spools.rules import grams
from batchivo_inventory.stock.schemas import LowFilamentTypeRead, LowStockRead, SummaryItem, SummaryRead

router = APIRouter(prefix="/inventory", tags=["inventory"])


@router.get("/low-stock")
async def low_stock(principal: ViewerDep, service: StockServiceDep) -> LowStockRead:
    spools = await service.low_spools(principal.tenant_id)
    types = await service.low_filament_types(principal.tenant_id)
    return LowStockRead(
        spools=[spool_read(r) for r in spools],
        filament_types=[
            LowFilamentTypeRead(
                id=t.filament.id,
                material_code=t.material.code,
                brand=t.filament.brand,
                color_name=t.filament.color_name,
                min_stock_grams=t.filament.min_stock_grams,
                remaining_grams=t.total_grams,
            )
            for t in types
        ],
    )


@router.get("/summary")
async def summary(principal: ViewerDep, service: StockServiceDep) -> SummaryRead:
    rows = await service.summary(principal.tenant_id)
    items = [
        SummaryItem(
            filament_type_id=r.filament.id,
            material_code=r.material.code,
            brand=r.filament.brand,
            color_name=r.filament.color_name,
            color_hex=r.filament.color_hex,
            spool_count=r.spool_count,
            remaining_grams=grams(r.remaining_grams),
            stock_value=grams(r.stock_value),
        )
        for r in rows
    ]
    return SummaryRead(
        items=items,
        total_remaining_grams=sum((i.remaining_grams for i in items), Decimal(0)),
        total_stock_value=sum((i.stock_value for i in items), Decimal(0)),
    )
