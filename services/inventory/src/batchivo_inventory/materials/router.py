"""``/api/v1/material-types`` and ``/api/v1/filament-types``."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.pagination import PageParamsDep, parse_sort
from fastapi import APIRouter, Query, Response, status

from batchivo_inventory.deps import (
    AdminDep,
    FilamentTypeServiceDep,
    Idempotent,
    MaterialTypeServiceDep,
    MemberDep,
    ViewerDep,
)
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.materials.schemas import (
    FILAMENT_SORTS,
    MATERIAL_SORTS,
    FilamentTypeCreate,
    FilamentTypePage,
    FilamentTypeRead,
    FilamentTypeUpdate,
    MaterialTypeCreate,
    MaterialTypePage,
    MaterialTypeRead,
    MaterialTypeUpdate,
)
from batchivo_inventory.materials.service import FilamentTypeView
from batchivo_inventory.money.service import MoneySettings

materials_router = APIRouter(prefix="/material-types", tags=["material-types"], route_class=ETagRoute)
filaments_router = APIRouter(prefix="/filament-types", tags=["filament-types"], route_class=ETagRoute)

# A material type's service keeps no version: a PATCH moves it on (docs/api.md).
MaterialTypeTag = Annotated[None, tagged(MaterialType, "material_type_id")]
MaterialTypeIfMatch = Annotated[None, versioned(MaterialType.__table__, "material_type_id", bump=True)]
FilamentTypeTag = Annotated[None, tagged(FilamentType, "filament_type_id")]
FilamentTypeIfMatch = Annotated[None, versioned(FilamentType.__table__, "filament_type_id")]

MaterialSort = Annotated[
    str | None, Query(max_length=32, description=f"One of {', '.join(MATERIAL_SORTS)}; prefix - to reverse")
]
FilamentSort = Annotated[
    str | None, Query(max_length=32, description=f"One of {', '.join(FILAMENT_SORTS)}; prefix - to reverse")
]


def material_read(m: MaterialType, money: MoneySettings | None = None) -> MaterialTypeRead:
    cost = (money or MoneySettings()).global_cost(m.typical_cost_per_kg) if m.is_global else None
    return MaterialTypeRead(
        id=m.id,
        code=m.code,
        name=m.name,
        density=m.density,
        typical_cost_per_kg=cost.value if cost is not None else m.typical_cost_per_kg,
        typical_cost_currency=cost.currency if cost is not None else None,
        extruder_temp_min=m.extruder_temp_min,
        extruder_temp_max=m.extruder_temp_max,
        bed_temp=m.bed_temp,
        is_global=m.is_global,
    )


def filament_read(v: FilamentTypeView) -> FilamentTypeRead:
    f = v.filament
    return FilamentTypeRead(
        id=f.id,
        material_type_id=f.material_type_id,
        material_code=v.material.code,
        brand=f.brand,
        color_name=f.color_name,
        color_hex=f.color_hex,
        finish=f.finish,
        diameter_mm=f.diameter_mm,
        density=f.density,
        extruder_temp=f.extruder_temp,
        bed_temp=f.bed_temp,
        min_stock_grams=f.min_stock_grams,
        cost_per_gram=v.cost_per_gram,
        cost_is_estimate=v.cost_is_estimate,
    )


@materials_router.get("")
async def list_material_types(
    principal: ViewerDep, service: MaterialTypeServiceDep, page: PageParamsDep, sort: MaterialSort = None
) -> MaterialTypePage:
    field, descending = parse_sort(sort, MATERIAL_SORTS, "code")
    rows, total = await service.page(
        principal, limit=page.limit, offset=page.offset, sort=field, descending=descending
    )
    money = await service.money(principal)
    return MaterialTypePage(
        items=[material_read(m, money) for m in rows], total=total, limit=page.limit, offset=page.offset
    )


@materials_router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_material_type(
    principal: MemberDep, body: MaterialTypeCreate, service: MaterialTypeServiceDep, response: Response
) -> MaterialTypeRead:
    material = await service.create(principal, body.model_dump())
    response.headers["Location"] = f"/api/v1/material-types/{material.id}"
    return material_read(material)


@materials_router.get("/{material_type_id}")
async def get_material_type(
    principal: ViewerDep, _etag: MaterialTypeTag, material_type_id: uuid.UUID, service: MaterialTypeServiceDep
) -> MaterialTypeRead:
    material = await service.get(principal, material_type_id)
    return material_read(material, await service.money(principal) if material.is_global else None)


@materials_router.patch("/{material_type_id}")
async def update_material_type(
    principal: MemberDep,
    _if_match: MaterialTypeIfMatch,
    material_type_id: uuid.UUID,
    body: MaterialTypeUpdate,
    service: MaterialTypeServiceDep,
) -> MaterialTypeRead:
    return material_read(await service.update(principal, material_type_id, body.changes()))


@materials_router.delete("/{material_type_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_material_type(
    principal: AdminDep, material_type_id: uuid.UUID, service: MaterialTypeServiceDep
) -> Response:
    await service.delete(principal, material_type_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@filaments_router.get("")
async def list_filament_types(
    principal: ViewerDep,
    service: FilamentTypeServiceDep,
    page: PageParamsDep,
    sort: FilamentSort = None,
    material_type_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> FilamentTypePage:
    # With a query the best matches come first (like the spool search), unless another order is asked.
    field, descending = parse_sort(sort, FILAMENT_SORTS, "relevance" if q and q.strip() else "brand")
    views, total = await service.page(
        principal,
        limit=page.limit,
        offset=page.offset,
        sort=field,
        descending=descending,
        material_type_id=material_type_id,
        q=q,
    )
    return FilamentTypePage(
        items=[filament_read(v) for v in views], total=total, limit=page.limit, offset=page.offset
    )


@filaments_router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_filament_type(
    principal: MemberDep, body: FilamentTypeCreate, service: FilamentTypeServiceDep, response: Response
) -> FilamentTypeRead:
    view = await service.create(principal, body.model_dump())
    response.headers["Location"] = f"/api/v1/filament-types/{view.filament.id}"
    return filament_read(view)


@filaments_router.get("/{filament_type_id}")
async def get_filament_type(
    principal: ViewerDep, _etag: FilamentTypeTag, filament_type_id: uuid.UUID, service: FilamentTypeServiceDep
) -> FilamentTypeRead:
    return filament_read(await service.get(principal, filament_type_id))


@filaments_router.patch("/{filament_type_id}")
async def update_filament_type(
    principal: MemberDep,
    _if_match: FilamentTypeIfMatch,
    filament_type_id: uuid.UUID,
    body: FilamentTypeUpdate,
    service: FilamentTypeServiceDep,
) -> FilamentTypeRead:
    changes = body.changes()
    if not changes:
        return filament_read(await service.get(principal, filament_type_id))
    return filament_read(await service.update(principal, filament_type_id, changes))


@filaments_router.delete("/{filament_type_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_filament_type(
    principal: AdminDep, filament_type_id: uuid.UUID, service: FilamentTypeServiceDep
) -> Response:
    await service.delete(principal, filament_type_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
