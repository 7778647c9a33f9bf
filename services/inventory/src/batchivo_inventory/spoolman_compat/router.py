"""``/compat/spoolman/api/v1``: the Spoolman-shaped endpoints (thin: parse, call the service, shape).

Errors keep the project's format (``{"detail", "code", "status_code"}``); Spoolman clients only look at
the status codes (Moonraker: 404 unsets the active spool, anything else is retried).
"""

from __future__ import annotations

import functools
from typing import Annotated

from batchivo_common.db.session import GenericPlans, SessionDep
from batchivo_common.errors import BadRequest, Forbidden, NotFound
from fastapi import APIRouter, Depends, Query, Response, WebSocket

from batchivo_inventory.deps import (
    AdminDep,
    Idempotent,
    MemberDep,
    SettingsDep,
    SpoolServiceDep,
    ViewerDep,
)
from batchivo_inventory.money.service import MoneyService
from batchivo_inventory.spoolman_compat import live, mapping, present, schemas
from batchivo_inventory.spoolman_compat.mapping import QueryError, SortKey
from batchivo_inventory.spoolman_compat.repository import (
    FILAMENT_SORTS,
    SPOOL_SORTS,
    FilamentQuery,
    SpoolQuery,
)
from batchivo_inventory.spoolman_compat.service import SpoolmanService

PREFIX = "/compat/spoolman/api/v1"
#: The Spoolman version whose API this surface follows (what ``/info`` reports).
SPOOLMAN_VERSION = "0.22.1"
#: Rows one list answers at most (Spoolman has no limit; its clients ask for every spool at once).
MAX_LIST = 5000

router = APIRouter(prefix=PREFIX, tags=["spoolman-compat"])

Limit = Annotated[
    int | None, Query(ge=1, le=MAX_LIST, description=f"Maximum number of items (at most {MAX_LIST})")
]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
SortParam = Annotated[str | None, Query(max_length=300, description='Comma-separated "field:asc|desc" items')]
TermsParam = Annotated[str | None, Query(max_length=300)]


async def get_service(spools: SpoolServiceDep, settings: SettingsDep) -> SpoolmanService:
    return SpoolmanService(spools.session, spools, coalesce_seconds=settings.spoolman_coalesce_seconds)


ServiceDep = Annotated[SpoolmanService, Depends(get_service)]


def _sort(raw: str | None, allowed: frozenset[str]) -> tuple[SortKey, ...]:
    try:
        return mapping.parse_sort(raw, allowed)
    except QueryError as exc:
        raise BadRequest(str(exc), code="INVALID_SORT") from None


def _ids(raw: str | None, name: str) -> tuple[int, ...] | None:
    try:
        return mapping.parse_ids(raw, name)
    except QueryError as exc:
        raise BadRequest(str(exc), code="VALIDATION_ERROR") from None


def _total(response: Response, total: int) -> None:
    response.headers["X-Total-Count"] = str(total)


@router.get("/health")
async def health() -> schemas.SpoolmanHealth:
    return schemas.SpoolmanHealth(status="healthy")


@router.get("/info")
async def info(principal: ViewerDep) -> schemas.SpoolmanInfo:
    return schemas.SpoolmanInfo(
        version=SPOOLMAN_VERSION,
        debug_mode=False,
        automatic_backups=False,
        data_dir="",
        logs_dir="",
        backups_dir="",
        db_type="postgres",
    )


# --- spools -------------------------------------------------------------------------------------------------


@router.get("/spool", response_model_exclude_none=True)
async def find_spools(
    principal: ViewerDep,
    service: ServiceDep,
    response: Response,
    filament_id: Annotated[str | None, Query(alias="filament.id", max_length=300)] = None,
    filament_name: Annotated[str | None, Query(alias="filament.name", max_length=300)] = None,
    filament_material: Annotated[str | None, Query(alias="filament.material", max_length=300)] = None,
    vendor_name: Annotated[str | None, Query(alias="filament.vendor.name", max_length=300)] = None,
    vendor_id: Annotated[str | None, Query(alias="filament.vendor.id", max_length=300)] = None,
    location: TermsParam = None,
    lot_nr: TermsParam = None,
    allow_archived: bool = False,
    sort: SortParam = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> list[schemas.SpoolmanSpool]:
    vendor_ids = _ids(vendor_id, "filament.vendor.id")
    query = SpoolQuery(
        filament_ids=_ids(filament_id, "filament.id"),
        filament_name=mapping.parse_terms(filament_name),
        material=mapping.parse_terms(filament_material),
        vendor_name=mapping.parse_terms(vendor_name),
        vendor_brands=await service.brands_of(principal, vendor_ids) if vendor_ids is not None else None,
        location=mapping.parse_terms(location),
        lot_nr=mapping.parse_terms(lot_nr),
        allow_archived=allow_archived,
    )
    items, total = await service.spool_list(
        principal, query, _sort(sort, frozenset(SPOOL_SORTS)), limit=limit or MAX_LIST, offset=offset
    )
    _total(response, total)
    return items


@router.get("/spool/{spool_id}", response_model_exclude_none=True, dependencies=[GenericPlans])
async def get_spool(principal: ViewerDep, spool_id: int, service: ServiceDep) -> schemas.SpoolmanSpool:
    return await service.spool(principal, spool_id)


@router.post("/spool", response_model_exclude_none=True, dependencies=[Idempotent])
async def create_spool(
    principal: MemberDep, body: schemas.SpoolmanSpoolCreate, service: ServiceDep
) -> schemas.SpoolmanSpool:
    return await service.create(principal, body)


@router.patch("/spool/{spool_id}", response_model_exclude_none=True)
async def update_spool(
    principal: MemberDep, spool_id: int, body: schemas.SpoolmanSpoolUpdate, service: ServiceDep
) -> schemas.SpoolmanSpool:
    return await service.update(principal, spool_id, body)


@router.delete("/spool/{spool_id}")
async def delete_spool(principal: MemberDep, spool_id: int, service: ServiceDep) -> schemas.SpoolmanMessage:
    """Archives the spool (its ledger stays): Spoolman's delete takes it off every list, as archiving does."""
    await service.archive(principal, spool_id)
    return schemas.SpoolmanMessage(message="Success!")


@router.put("/spool/{spool_id}/use", response_model_exclude_none=True, dependencies=[GenericPlans])
async def use_spool(
    principal: MemberDep, spool_id: int, body: schemas.SpoolmanSpoolUse, service: ServiceDep
) -> schemas.SpoolmanSpool:
    return await service.use(principal, spool_id, body)


@router.put("/spool/{spool_id}/measure", response_model_exclude_none=True)
async def measure_spool(
    principal: MemberDep, spool_id: int, body: schemas.SpoolmanSpoolMeasure, service: ServiceDep
) -> schemas.SpoolmanSpool:
    return await service.measure(principal, spool_id, body.weight)


# --- filaments and vendors ----------------------------------------------------------------------------------


@router.get("/filament", response_model_exclude_none=True)
async def find_filaments(
    principal: ViewerDep,
    service: ServiceDep,
    response: Response,
    name: TermsParam = None,
    material: TermsParam = None,
    vendor_name: Annotated[str | None, Query(alias="vendor.name", max_length=300)] = None,
    vendor_id: Annotated[str | None, Query(alias="vendor.id", max_length=300)] = None,
    sort: SortParam = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> list[schemas.SpoolmanFilament]:
    vendor_ids = _ids(vendor_id, "vendor.id")
    query = FilamentQuery(
        name=mapping.parse_terms(name),
        material=mapping.parse_terms(material),
        vendor_name=mapping.parse_terms(vendor_name),
        vendor_brands=await service.brands_of(principal, vendor_ids) if vendor_ids is not None else None,
    )
    items, total = await service.filaments(
        principal, query, _sort(sort, frozenset(FILAMENT_SORTS)), limit=limit or MAX_LIST, offset=offset
    )
    _total(response, total)
    return items


@router.get("/filament/{filament_id}", response_model_exclude_none=True)
async def get_filament(
    principal: ViewerDep, filament_id: int, service: ServiceDep
) -> schemas.SpoolmanFilament:
    return await service.filament(principal, filament_id)


@router.post("/filament", response_model_exclude_none=True, dependencies=[Idempotent])
async def create_filament(
    principal: MemberDep, body: schemas.SpoolmanFilamentCreate, service: ServiceDep
) -> schemas.SpoolmanFilament:
    return await service.create_filament(principal, body)


@router.patch("/filament/{filament_id}", response_model_exclude_none=True)
async def update_filament(
    principal: MemberDep, filament_id: int, body: schemas.SpoolmanFilamentUpdate, service: ServiceDep
) -> schemas.SpoolmanFilament:
    return await service.update_filament(principal, filament_id, body)


@router.delete("/filament/{filament_id}")
async def delete_filament(
    principal: AdminDep, filament_id: int, service: ServiceDep
) -> schemas.SpoolmanMessage:
    """Admin+, as deleting a filament type is; 409 IN_USE while spools use it."""
    await service.delete_filament(principal, filament_id)
    return schemas.SpoolmanMessage(message="Success!")


VENDOR_SORTS = frozenset({"id", "name", "registered"})


@router.get("/vendor", response_model_exclude_none=True)
async def find_vendors(
    principal: ViewerDep,
    service: ServiceDep,
    response: Response,
    name: TermsParam = None,
    sort: SortParam = None,
    limit: Limit = None,
    offset: Offset = 0,
) -> list[schemas.SpoolmanVendor]:
    keys = _sort(sort, VENDOR_SORTS)
    vendors = await service.vendors(principal)
    terms = mapping.parse_terms(name)
    if terms is not None:
        vendors = [v for v in vendors if mapping.matches(v.name, terms)]
    for key in reversed(keys):
        vendors.sort(key=functools.partial(_vendor_key, field=key.field), reverse=key.descending)
    _total(response, len(vendors))
    window = vendors[offset : offset + (limit or MAX_LIST)]
    return [present.vendor_out(v) for v in window]


def _vendor_key(vendor: present.VendorRow, field: str) -> str | int:
    if field == "id":
        return vendor.id
    if field == "name":
        return vendor.name.casefold()
    return vendor.registered.isoformat()


@router.get("/vendor/{vendor_id}", response_model_exclude_none=True)
async def get_vendor(principal: ViewerDep, vendor_id: int, service: ServiceDep) -> schemas.SpoolmanVendor:
    return present.vendor_out(await service.vendor(principal, vendor_id))


@router.post("/vendor", response_model_exclude_none=True, dependencies=[Idempotent])
async def create_vendor(
    principal: MemberDep, body: schemas.SpoolmanVendorCreate, service: ServiceDep
) -> schemas.SpoolmanVendor:
    """Always refused: a vendor is a brand of the shop's filament types (400 VENDOR_IS_A_BRAND, or 409
    VENDOR_EXISTS for a brand the shop has)."""
    await service.create_vendor(principal, body)


@router.patch("/vendor/{vendor_id}", response_model_exclude_none=True)
async def update_vendor(
    principal: MemberDep, vendor_id: int, body: schemas.SpoolmanVendorUpdate, service: ServiceDep
) -> schemas.SpoolmanVendor:
    """Renames the brand on the shop's filament types (the vendor's id follows its name)."""
    return present.vendor_out(await service.update_vendor(principal, vendor_id, body))


@router.delete("/vendor/{vendor_id}")
async def delete_vendor(principal: AdminDep, vendor_id: int, service: ServiceDep) -> schemas.SpoolmanMessage:
    """Refused, 409 IN_USE, while filament types have the brand (that is, while the vendor exists)."""
    await service.delete_vendor(principal, vendor_id)


# --- settings -----------------------------------------------------------------------------------------------


@router.get("/setting/")
@router.get("/setting", include_in_schema=False)
async def find_settings(principal: ViewerDep, session: SessionDep) -> dict[str, schemas.SpoolmanSetting]:
    """Spoolman's settings, read-only: ``currency`` is the shop's (Batchivo's inventory settings), the
    others Spoolman's defaults, unset."""
    money = await MoneyService(session).get(principal.tenant_id)
    return {k: schemas.SpoolmanSetting(**v) for k, v in mapping.settings_out(money.currency_code).items()}


@router.get("/setting/{key}")
async def get_setting(principal: ViewerDep, key: str, session: SessionDep) -> schemas.SpoolmanSetting:
    if key not in mapping.SETTINGS:
        raise NotFound(f"Setting {key} does not exist.")
    money = await MoneyService(session).get(principal.tenant_id)
    return schemas.SpoolmanSetting(**mapping.settings_out(money.currency_code)[key])


@router.post("/setting/{key}", dependencies=[Idempotent])
async def set_setting(principal: MemberDep, key: str) -> schemas.SpoolmanSetting:
    """Refused: settings are read-only here (403 SETTINGS_READ_ONLY; an unknown key is 404, as Spoolman's)."""
    if key not in mapping.SETTINGS:
        raise NotFound(f"Setting {key} does not exist.")
    raise Forbidden(
        "Spoolman settings are read-only in Batchivo: the currency is the shop's (Settings → Inventory); "
        "the others keep Spoolman's defaults",
        code="SETTINGS_READ_ONLY",
    )


# --- websockets ---------------------------------------------------------------------------------------------


@router.websocket("/spool")
async def spool_socket(websocket: WebSocket) -> None:
    await live.serve_socket(websocket, "spool")


@router.websocket("/filament")
async def filament_socket(websocket: WebSocket) -> None:
    await live.serve_socket(websocket, "filament")


@router.websocket("/vendor")
async def vendor_socket(websocket: WebSocket) -> None:
    await live.serve_socket(websocket, "vendor")
