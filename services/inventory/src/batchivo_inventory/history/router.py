"""``/api/v1/inventory/transactions`` (the shop-wide ledger, keyset pages), ``transactions.csv`` (the same
rows streamed) and ``/api/v1/inventory/usage`` (grams and money per month or material)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from batchivo_common.auth.deps import ViewerDep
from batchivo_common.db.session import ReadSessionDep
from batchivo_common.errors import AppError
from batchivo_common.pagination import PageParamsDep, parse_sort
from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from batchivo_inventory.history.repository import LedgerFilters, LedgerRow
from batchivo_inventory.history.schemas import LedgerEntry, LedgerPage, UsageGroupBy, UsageItem, UsageRead
from batchivo_inventory.history.service import TOTAL_CAP, HistoryService
from batchivo_inventory.spools.router import transaction_read
from batchivo_inventory.spools.rules import Kind

router = APIRouter(prefix="/inventory", tags=["inventory"])


class BadFilter(AppError):
    status_code, code = 422, "VALIDATION_ERROR"


async def get_history_service(session: ReadSessionDep) -> HistoryService:
    return HistoryService(session)


HistoryServiceDep = Annotated[HistoryService, Depends(get_history_service)]
FromQuery = Annotated[
    datetime | None, Query(alias="from", description="Inclusive start (ISO 8601; no zone means UTC)")
]
ToQuery = Annotated[datetime | None, Query(description="Exclusive end (ISO 8601; no zone means UTC)")]


def _utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


async def ledger_filters(
    from_: FromQuery = None,
    to: ToQuery = None,
    kind: Kind | None = None,
    spool_id: uuid.UUID | None = None,
    spool: Annotated[str | None, Query(max_length=32, description="A spool code, e.g. FIL-001")] = None,
    material: Annotated[str | None, Query(max_length=32, description="A material code, e.g. PLA")] = None,
    production_run_id: uuid.UUID | None = None,
    run: Annotated[
        str | None, Query(max_length=64, description="A production run's id or its number (reason 'run <n>')")
    ] = None,
) -> LedgerFilters:
    since, until = _utc(from_), _utc(to)
    if since is not None and until is not None and until < since:
        raise BadFilter("'to' is before 'from'")
    run_id, run_number = production_run_id, None
    if run is not None and run.strip():
        try:
            run_id = uuid.UUID(run.strip())
        except ValueError:
            run_number = run
    return LedgerFilters(
        since=since,
        until=until,
        kind=kind.value if kind is not None else None,
        spool_id=spool_id,
        spool_code=spool.strip() if spool and spool.strip() else None,
        material=material.strip() if material and material.strip() else None,
        production_run_id=run_id,
        run_number=run_number,
    )


LedgerFiltersDep = Annotated[LedgerFilters, Depends(ledger_filters)]
SortQuery = Annotated[
    str | None, Query(max_length=32, description="created_at (oldest first) or -created_at (default)")
]


def entry(row: LedgerRow) -> LedgerEntry:
    base = transaction_read(row.tx, row.spool_code)
    return LedgerEntry(
        **base.model_dump(),
        material_code=row.material.code,
        brand=row.filament.brand,
        color_name=row.filament.color_name,
        color_hex=row.filament.color_hex,
    )


@router.get("/transactions")
async def list_transactions(
    principal: ViewerDep,
    service: HistoryServiceDep,
    filters: LedgerFiltersDep,
    page: PageParamsDep,
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page")
    ] = None,
    sort: SortQuery = None,
) -> LedgerPage:
    """The shop's ledger, newest first, filtered; ``cursor`` pages by keyset (stable under new rows)."""
    _, descending = parse_sort(sort, ("created_at",), "-created_at")
    if cursor is not None and page.offset:
        raise BadFilter("Give either a cursor or an offset, not both")
    rows, next_cursor, total = await service.page(
        principal.tenant_id,
        filters,
        cursor=cursor,
        limit=page.limit,
        offset=page.offset,
        descending=descending,
    )
    return LedgerPage(
        items=[entry(r) for r in rows],
        next_cursor=next_cursor,
        total=total,
        total_is_exact=total is None or total <= TOTAL_CAP,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/transactions.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "The filtered ledger as CSV"}},
)
async def transactions_csv(
    principal: ViewerDep,
    service: HistoryServiceDep,
    filters: LedgerFiltersDep,
    sort: SortQuery = None,
) -> StreamingResponse:
    """Every row matching the filters (the list's), streamed in keyset batches."""
    _, descending = parse_sort(sort, ("created_at",), "-created_at")
    first = await service.csv_first_batch(principal.tenant_id, filters, descending=descending)
    return StreamingResponse(
        service.csv_chunks(principal.tenant_id, filters, first, descending=descending),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="transactions.csv"'},
    )


@router.get("/usage")
async def usage(
    principal: ViewerDep,
    service: HistoryServiceDep,
    from_: FromQuery = None,
    to: ToQuery = None,
    group: UsageGroupBy = UsageGroupBy.month,
) -> UsageRead:
    """Grams used (usage + waste - returns) and their cost, per month (UTC) or per material."""
    since, until = _utc(from_), _utc(to)
    if since is not None and until is not None and until < since:
        raise BadFilter("'to' is before 'from'")
    buckets = await service.usage(
        principal.tenant_id, since=since, until=until, by_month=group is UsageGroupBy.month
    )
    items = [
        UsageItem(
            key=b.key,
            grams=b.grams,
            cost=b.cost,
            estimated_grams=b.estimated_grams,
            uncosted_grams=b.uncosted_grams,
        )
        for b in buckets
    ]
    return UsageRead(
        group=group,
        items=items,
        total_grams=sum((b.grams for b in buckets), Decimal(0)),
        total_cost=sum((b.cost for b in buckets), Decimal(0)),
        uncosted_grams=sum((b.uncosted_grams for b in buckets), Decimal(0)),
    )
