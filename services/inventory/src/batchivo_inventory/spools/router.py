"""``/api/v1/spools``: spools, their actions (weigh, use, archive, duplicate, bulk) and their ledger."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from batchivo_common.concurrency import ETagRoute, etag, versioned
from batchivo_common.db.driver import DriverReadDep
from batchivo_common.db.session import GenericPlans
from batchivo_common.errors import NotFound
from batchivo_common.pagination import PageParamsDep, parse_sort
from batchivo_common.responses import TrustedJSONResponse
from fastapi import APIRouter, Depends, Query, Response, status

from batchivo_inventory.deps import AdminDep, Idempotent, MemberDep, SpoolServiceDep, ViewerDep
from batchivo_inventory.materials.models import FilamentType
from batchivo_inventory.spools import rules
from batchivo_inventory.spools.models import InventoryTransaction, Spool
from batchivo_inventory.spools.repository import (
    FilamentRecord,
    SpoolFilters,
    SpoolRecord,
    SpoolRow,
    TransactionFilters,
    read_view,
)
from batchivo_inventory.spools.schemas import (
    SPOOL_SORTS,
    SpoolBulkCreate,
    SpoolBulkRead,
    SpoolCreate,
    SpoolPage,
    SpoolRead,
    SpoolUpdate,
    TransactionPage,
    TransactionRead,
    Use,
    Weigh,
)

router = APIRouter(prefix="/spools", tags=["spools"], route_class=ETagRoute)

SpoolIfMatch = Annotated[None, versioned(Spool.__table__, "spool_id")]

SortQuery = Annotated[
    str | None, Query(max_length=32, description=f"One of {', '.join(SPOOL_SORTS)}; prefix - to reverse")
]


def spool_fields(
    spool: Spool | SpoolRecord, filament: FilamentType | FilamentRecord, material_code: str
) -> dict[str, Any]:
    """A spool as the API shows it (:class:`SpoolRead`), as plain values: validated into the model for the
    answers of single spools, serialised as they are for a list page (``TrustedJSONResponse``; the
    test_fast_reads tests compare the two)."""
    s, f = spool, filament
    return {
        "id": s.id,
        "code": s.code,
        "filament_type_id": s.filament_type_id,
        "filament_type": {
            "id": f.id,
            "material_code": material_code,
            "brand": f.brand,
            "color_name": f.color_name,
            "color_hex": f.color_hex,
        },
        "initial_weight": s.initial_weight,
        "current_weight": s.current_weight,
        "empty_spool_weight": s.empty_spool_weight,
        "purchase_price": s.purchase_price,
        "purchase_date": s.purchase_date,
        "supplier": s.supplier,
        "location": s.location,
        "location_id": s.location_id,
        "lot_number": s.lot_number,
        "notes": s.notes,
        "is_archived": s.is_archived,
        "low_stock_threshold_pct": s.low_stock_threshold_pct,
        "remaining_pct": rules.remaining_pct(s.current_weight, s.initial_weight),
        "cost_per_gram": rules.cost_per_gram(s.purchase_price, s.initial_weight),
        "is_low_stock": rules.is_low_stock(s.current_weight, s.initial_weight, s.low_stock_threshold_pct),
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def spool_read(row: SpoolRow) -> SpoolRead:
    return SpoolRead.model_validate(spool_fields(row.spool, row.filament, row.material.code))


def spool_answer(
    row: SpoolRow, status_code: int = status.HTTP_200_OK, headers: dict[str, str] | None = None
) -> TrustedJSONResponse:
    """A spool the service has just written, as its answer: its values serialised once, not validated
    again (the hot writes; the bytes of ``SpoolRead``, test_fast_reads)."""
    fields = spool_fields(row.spool, row.filament, row.material.code)
    return TrustedJSONResponse(fields, status_code=status_code, headers=headers)


def transaction_read(t: InventoryTransaction, spool_code: str) -> TransactionRead:
    return TransactionRead(
        id=t.id,
        spool_id=t.spool_id,
        spool_code=spool_code,
        kind=rules.Kind(t.kind),
        grams_before=t.grams_before,
        delta=t.delta,
        grams_after=t.grams_after,
        reason=t.reason,
        actor_id=t.actor_id,
        production_run_id=t.production_run_id,
        reversal_of_id=t.reversal_of_id,
        created_at=t.created_at,
    )


def _location(spool_id: uuid.UUID) -> str:
    return f"/api/v1/spools/{spool_id}"


async def spool_filters(
    q: Annotated[str | None, Query(max_length=200)] = None,
    material: Annotated[str | None, Query(max_length=32)] = None,
    filament_type_id: uuid.UUID | None = None,
    location: Annotated[
        str | None, Query(max_length=100, description="Locations starting with this, any case")
    ] = None,
    location_match: Annotated[
        Literal["prefix", "exact"], Query(description="exact: the whole name, any case")
    ] = "prefix",
    location_id: uuid.UUID | None = None,
    low_stock: bool | None = None,
    archived: Annotated[
        Literal["false", "true", "only"],
        Query(description="false (default): active spools; true: active and archived; only: archived"),
    ] = "false",
) -> SpoolFilters:
    """The list's filters (query parameters); the CSV export takes the same ones."""
    return SpoolFilters(
        q=q or None,
        material=material or None,
        filament_type_id=filament_type_id,
        location=location or None,
        location_exact=location_match == "exact",
        location_id=location_id,
        low_stock=low_stock,
        archived={"false": False, "true": None, "only": True}[archived],
    )


SpoolFiltersDep = Annotated[SpoolFilters, Depends(spool_filters)]


@router.get("", response_model=SpoolPage)
async def list_spools(
    principal: ViewerDep,
    service: SpoolServiceDep,
    page: PageParamsDep,
    filters: SpoolFiltersDep,
    sort: SortQuery = None,
) -> TrustedJSONResponse:
    field, descending = parse_sort(
        sort, SPOOL_SORTS, "relevance" if filters.q and filters.q.strip() else "code"
    )
    result = await service.page(
        principal, filters, limit=page.limit, offset=page.offset, sort=field, descending=descending
    )
    # The rows are the service's own: serialised as they are, not validated again (SpoolPage documents it).
    return TrustedJSONResponse(
        {
            "items": [spool_fields(r.spool, r.filament, r.material_code) for r in result.rows],
            "total": result.total,
            "limit": page.limit,
            "offset": page.offset,
            "total_is_lower_bound": result.total_is_lower_bound,
        }
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SpoolRead,
    dependencies=[Idempotent, GenericPlans],
)
async def create_spool(principal: MemberDep, body: SpoolCreate, service: SpoolServiceDep) -> Response:
    row = await service.create(principal, body.model_dump())
    return spool_answer(row, status.HTTP_201_CREATED, headers={"Location": _location(row.spool.id)})


@router.post("/bulk", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_spools_bulk(
    principal: MemberDep, body: SpoolBulkCreate, service: SpoolServiceDep
) -> SpoolBulkRead:
    fields = body.model_dump(exclude={"quantity"})
    rows = await service.create_bulk(principal, fields, body.quantity)
    return SpoolBulkRead(items=[spool_read(r) for r in rows])


@router.get(
    "/{spool_id}",
    dependencies=[GenericPlans],
    response_model=SpoolRead,
    responses={200: {"headers": {"ETag": {"description": "The spool's version, for If-Match"}}}},
)
async def get_spool(principal: ViewerDep, spool_id: uuid.UUID, connection: DriverReadDep) -> Response:
    # The hottest read: one statement on the driver (db/driver.py), plain values serialised once (the same
    # bytes as SpoolRead: test_fast_reads), and its ETag from the row it read (no entity, no load hook).
    view = await read_view(connection, principal.tenant_id, spool_id)
    if view is None:
        raise NotFound("Spool not found")
    return TrustedJSONResponse(
        spool_fields(view.spool, view.filament, view.material_code),
        headers={"ETag": etag(view.spool.id, view.spool.version)},
    )


@router.patch("/{spool_id}")
async def update_spool(
    principal: MemberDep,
    _if_match: SpoolIfMatch,
    spool_id: uuid.UUID,
    body: SpoolUpdate,
    service: SpoolServiceDep,
) -> SpoolRead:
    changes = body.changes()
    if not changes:
        return spool_read(await service.get(principal, spool_id))
    return spool_read(await service.update(principal, spool_id, changes, body.reason))


@router.delete("/{spool_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_spool(principal: AdminDep, spool_id: uuid.UUID, service: SpoolServiceDep) -> Response:
    await service.delete(principal, spool_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{spool_id}/duplicate", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def duplicate_spool(
    principal: MemberDep, spool_id: uuid.UUID, service: SpoolServiceDep, response: Response
) -> SpoolRead:
    row = await service.duplicate(principal, spool_id)
    response.headers["Location"] = _location(row.spool.id)
    return spool_read(row)


@router.post("/{spool_id}/archive", dependencies=[Idempotent])
async def archive_spool(principal: MemberDep, spool_id: uuid.UUID, service: SpoolServiceDep) -> SpoolRead:
    return spool_read(await service.archive(principal, spool_id))


@router.post("/{spool_id}/restore", dependencies=[Idempotent])
async def restore_spool(principal: MemberDep, spool_id: uuid.UUID, service: SpoolServiceDep) -> SpoolRead:
    return spool_read(await service.restore(principal, spool_id))


@router.post("/{spool_id}/weigh", response_model=SpoolRead, dependencies=[Idempotent, GenericPlans])
async def weigh_spool(
    principal: MemberDep, spool_id: uuid.UUID, body: Weigh, service: SpoolServiceDep
) -> Response:
    row = await service.weigh(
        principal,
        spool_id,
        gross=body.gross_grams,
        net=body.net_grams,
        reason=body.reason,
        confirm=bool(body.confirm),
    )
    return spool_answer(row)


@router.post("/{spool_id}/use", response_model=SpoolRead, dependencies=[Idempotent, GenericPlans])
async def use_spool(
    principal: MemberDep, spool_id: uuid.UUID, body: Use, service: SpoolServiceDep
) -> Response:
    return spool_answer(await service.use(principal, spool_id, body.grams, body.reason))


@router.get("/{spool_id}/transactions")
async def spool_transactions(
    principal: ViewerDep,
    spool_id: uuid.UUID,
    service: SpoolServiceDep,
    page: PageParamsDep,
    sort: Annotated[str | None, Query(max_length=32)] = None,
) -> TransactionPage:
    _, descending = parse_sort(sort, ("created_at",), "-created_at")
    rows, total = await service.transactions(
        principal,
        TransactionFilters(spool_id=spool_id),
        limit=page.limit,
        offset=page.offset,
        descending=descending,
    )
    return TransactionPage(
        items=[transaction_read(t, code) for t, code in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
