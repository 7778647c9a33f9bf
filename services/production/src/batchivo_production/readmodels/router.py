"""``/api/v1/production/spools`` (the spool read model with reservations) and
``/api/v1/production/defaults`` (what the run wizard proposes for a model)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from batchivo_common.errors import NotFound
from batchivo_common.pagination import PageParamsDep
from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from batchivo_production import reservations
from batchivo_production.deps import ReadModelsDep, SessionDep, ViewerDep
from batchivo_production.printers.models import PrinterSpool
from batchivo_production.readmodels.models import SpoolView
from batchivo_production.types import Number

router = APIRouter(prefix="/production", tags=["production"])


class SpoolStock(BaseModel):
    id: uuid.UUID
    code: str
    filament_type_id: uuid.UUID
    material_code: str
    brand: str
    color_name: str
    cost_per_gram: Number | None
    is_archived: bool
    current: Number
    reserved: Number
    available: Number
    #: The printer and slot the spool is loaded in, if any.
    printer_id: uuid.UUID | None = None
    slot: int | None = None


class SpoolStockPage(BaseModel):
    items: list[SpoolStock]
    total: int
    limit: int
    offset: int


class BomLine(BaseModel):
    filament_type_id: uuid.UUID
    grams_per_unit: Number
    grams_total: Number
    #: Active spools of that type, loaded in the printer first, then by most available grams.
    candidates: list[SpoolStock]


class Defaults(BaseModel):
    model_id: uuid.UUID
    sku: str
    name: str
    quantity: int
    print_time_minutes: int | None
    materials: list[BomLine]


async def stocks(session: SessionDep, tenant_id: uuid.UUID, spools: list[SpoolView]) -> list[SpoolStock]:
    ids = {s.id for s in spools}
    held = await reservations.reserved(session, tenant_id, ids)
    loaded = (
        {
            link.spool_id: link
            for link in (
                await session.execute(
                    select(PrinterSpool).where(
                        PrinterSpool.tenant_id == tenant_id, PrinterSpool.spool_id.in_(ids)
                    )
                )
            ).scalars()
        }
        if ids
        else {}
    )
    result = []
    for s in spools:
        stock = reservations.Stock(Decimal(s.current_weight), held.get(s.id, Decimal(0)))
        link = loaded.get(s.id)
        result.append(
            SpoolStock(
                id=s.id,
                code=s.code,
                filament_type_id=s.filament_type_id,
                material_code=s.material_code,
                brand=s.brand,
                color_name=s.color_name,
                cost_per_gram=s.cost_per_gram,
                is_archived=s.is_archived,
                current=stock.current,
                reserved=stock.reserved,
                available=stock.available,
                printer_id=link.printer_id if link else None,
                slot=link.slot if link else None,
            )
        )
    return result


@router.get("/spools")
async def list_spools(
    principal: ViewerDep,
    read_models: ReadModelsDep,
    session: SessionDep,
    page: PageParamsDep,
    filament_type_id: uuid.UUID | None = None,
) -> SpoolStockPage:
    rows, total = await read_models.spool_page(
        principal.tenant_id, filament_type_id=filament_type_id, limit=page.limit, offset=page.offset
    )
    return SpoolStockPage(
        items=await stocks(session, principal.tenant_id, rows),
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/defaults")
async def run_defaults(
    principal: ViewerDep,
    read_models: ReadModelsDep,
    session: SessionDep,
    model_id: uuid.UUID,
    quantity: Annotated[int, Query(ge=1, le=100000)] = 1,
    printer_id: uuid.UUID | None = None,
) -> Defaults:
    tenant_id = principal.tenant_id
    model = (await read_models.models(tenant_id, {model_id})).get(model_id)
    if model is None or model.is_deleted:
        raise NotFound("Model not found")
    bom = (await read_models.bom(tenant_id, {model_id}))[model_id]
    types = set(bom)
    spools = (
        list(
            (
                await session.execute(
                    select(SpoolView).where(
                        SpoolView.tenant_id == tenant_id,
                        SpoolView.filament_type_id.in_(types),
                        SpoolView.is_archived.is_(False),
                        SpoolView.is_deleted.is_(False),
                    )
                )
            ).scalars()
        )
        if types
        else []
    )
    candidates = await stocks(session, tenant_id, spools)
    lines = []
    for filament_type_id, grams in sorted(bom.items(), key=lambda kv: str(kv[0])):
        mine = [c for c in candidates if c.filament_type_id == filament_type_id]
        mine.sort(
            key=lambda c: (not (printer_id is not None and c.printer_id == printer_id), -c.available, c.code)
        )
        lines.append(
            BomLine(
                filament_type_id=filament_type_id,
                grams_per_unit=grams,
                grams_total=grams * quantity,
                candidates=mine,
            )
        )
    return Defaults(
        model_id=model.id,
        sku=model.sku,
        name=model.name,
        quantity=quantity,
        print_time_minutes=model.print_time_minutes,
        materials=lines,
    )
