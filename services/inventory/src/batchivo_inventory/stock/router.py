"""``/api/v1/inventory``: the ledger across spools, low stock, and the stock summary."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from batchivo_common.pagination import PageParamsDep, parse_sort
from fastapi import APIRouter, Query

from batchivo_inventory.deps import SpoolServiceDep, StockServiceDep, ViewerDep
from batchivo_inventory.spools.repository import TransactionFilters
from batchivo_inventory.spools.router import spool_read, transaction_read
from batchivo_inventory.spools.rules import Kind, grams
from batchivo_inventory.spools.schemas import TransactionPage
from batchivo_inventory.stock.schemas import LowFilamentTypeRead, LowStockRead, SummaryItem, SummaryRead

router = APIRouter(prefix="/inventory", tags=["inventory"])


@router.get("/transactions")
async def list_transactions(
    principal: ViewerDep,
    service: SpoolServiceDep,
    page: PageParamsDep,
    spool_id: uuid.UUID | None = None,
    kind: Kind | None = None,
    production_run_id: uuid.UUID | None = None,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    sort: Annotated[str | None, Query(max_length=32)] = None,
) -> TransactionPage:
    _, descending = parse_sort(sort, ("created_at",), "-created_at")
    filters = TransactionFilters(
        spool_id=spool_id,
        kind=kind.value if kind is not None else None,
        production_run_id=production_run_id,
        since=from_,
        until=to,
    )
    rows, total = await service.transactions(
        principal, filters, limit=page.limit, offset=page.offset, descending=descending
    )
    return TransactionPage(
        items=[transaction_read(t, code) for t, code in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


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
