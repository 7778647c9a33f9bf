"""``/api/v1/printers``: CRUD, and loading/unloading spools (one per slot, a spool in one printer)."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.pagination import PageParamsDep
from fastapi import APIRouter, Response, status

from batchivo_production.deps import AdminDep, Idempotent, MemberDep, PrinterServiceDep, ViewerDep
from batchivo_production.printers.models import Printer
from batchivo_production.printers.schemas import (
    LoadSpool,
    PrinterCreate,
    PrinterPage,
    PrinterRead,
    PrinterUpdate,
    UnloadSpool,
)

router = APIRouter(prefix="/printers", tags=["printers"], route_class=ETagRoute)

# The printer service keeps no version: a PATCH moves it on (docs/api.md).
PrinterTag = Annotated[None, tagged(Printer, "printer_id")]
PrinterIfMatch = Annotated[None, versioned(Printer.__table__, "printer_id", bump=True)]


@router.get("")
async def list_printers(
    principal: ViewerDep, service: PrinterServiceDep, page: PageParamsDep, active: bool | None = None
) -> PrinterPage:
    rows, total = await service.page(principal, active=active, limit=page.limit, offset=page.offset)
    return PrinterPage(items=rows, total=total, limit=page.limit, offset=page.offset)


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_printer(
    principal: MemberDep, body: PrinterCreate, service: PrinterServiceDep, response: Response
) -> PrinterRead:
    printer = await service.create(principal, body.model_dump())
    response.headers["Location"] = f"/api/v1/printers/{printer.id}"
    return printer


@router.get("/{printer_id}")
async def get_printer(
    principal: ViewerDep, _etag: PrinterTag, printer_id: uuid.UUID, service: PrinterServiceDep
) -> PrinterRead:
    return await service.get(principal, printer_id)


@router.patch("/{printer_id}")
async def update_printer(
    principal: MemberDep,
    _if_match: PrinterIfMatch,
    printer_id: uuid.UUID,
    body: PrinterUpdate,
    service: PrinterServiceDep,
) -> PrinterRead:
    return await service.update(principal, printer_id, body.changes())


@router.delete("/{printer_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_printer(principal: AdminDep, printer_id: uuid.UUID, service: PrinterServiceDep) -> None:
    await service.delete(principal, printer_id)


@router.post("/{printer_id}/load", dependencies=[Idempotent])
async def load_spool(
    principal: MemberDep, printer_id: uuid.UUID, body: LoadSpool, service: PrinterServiceDep
) -> PrinterRead:
    return await service.load(principal, printer_id, body.spool_id, body.slot)


@router.post("/{printer_id}/unload", dependencies=[Idempotent])
async def unload_spool(
    principal: MemberDep, printer_id: uuid.UUID, body: UnloadSpool, service: PrinterServiceDep
) -> PrinterRead:
    return await service.unload(principal, printer_id, body.slot, body.spool_id)
