"""``GET /api/v1/barcodes/{code}`` and ``/api/v1/filament-types/{id}/barcodes`` (list, remember, forget)."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.db.session import SessionDep
from fastapi import APIRouter, Depends, Path, Response, status

from batchivo_inventory.barcodes.models import FilamentTypeBarcode
from batchivo_inventory.barcodes.schemas import BarcodeCreate, BarcodeList, BarcodeLookup, BarcodeRead
from batchivo_inventory.barcodes.service import BarcodeService
from batchivo_inventory.deps import AdminDep, Idempotent, MemberDep, ViewerDep

router = APIRouter(tags=["barcodes"])


async def get_barcode_service(session: SessionDep) -> BarcodeService:
    return BarcodeService(session)


BarcodeServiceDep = Annotated[BarcodeService, Depends(get_barcode_service)]
ScannedCode = Annotated[
    str, Path(min_length=1, max_length=64, description="A spool code or id, or a retail code")
]


def barcode_read(row: FilamentTypeBarcode) -> BarcodeRead:
    return BarcodeRead(code=row.code, filament_type_id=row.filament_type_id, created_at=row.created_at)


@router.get("/barcodes/{code}")
async def lookup_barcode(
    principal: ViewerDep, code: ScannedCode, service: BarcodeServiceDep
) -> BarcodeLookup:
    """What a scanned or typed code names. 404 ``UNKNOWN_BARCODE`` for a valid retail code no filament type
    remembers (offer to remember it), 404 ``UNKNOWN_CODE`` for anything else unknown."""
    return await service.lookup(principal, code)


@router.get("/filament-types/{filament_type_id}/barcodes")
async def list_barcodes(
    principal: ViewerDep, filament_type_id: uuid.UUID, service: BarcodeServiceDep
) -> BarcodeList:
    return BarcodeList(items=[barcode_read(row) for row in await service.list(principal, filament_type_id)])


@router.post(
    "/filament-types/{filament_type_id}/barcodes",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
    responses={200: {"model": BarcodeRead, "description": "Already remembered for this type"}},
)
async def attach_barcode(
    principal: MemberDep,
    filament_type_id: uuid.UUID,
    body: BarcodeCreate,
    service: BarcodeServiceDep,
    response: Response,
) -> BarcodeRead:
    row, created = await service.attach(principal, filament_type_id, body.code)
    if not created:
        response.status_code = status.HTTP_200_OK
    return barcode_read(row)


@router.delete("/filament-types/{filament_type_id}/barcodes/{code}", status_code=status.HTTP_204_NO_CONTENT)
async def forget_barcode(
    principal: AdminDep, filament_type_id: uuid.UUID, code: ScannedCode, service: BarcodeServiceDep
) -> Response:
    await service.forget(principal, filament_type_id, code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
