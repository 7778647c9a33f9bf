"""``/api/v1/models`` (+ BOM lines, components, stock): HTTP only."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.pagination import Page, PageParamsDep, parse_sort
from fastapi import APIRouter, Query, Response, status

from batchivo_catalog.deps import AdminDep, Idempotent, MemberDep, ModelServiceDep, ViewerDep
from batchivo_catalog.models.models import Model
from batchivo_catalog.models.repository import SORTS
from batchivo_catalog.models.schemas import (
    BomIn,
    BomLineIn,
    BomLineRead,
    BomLineUpdate,
    ComponentIn,
    ComponentRead,
    ComponentUpdate,
    ModelCostRead,
    ModelCreate,
    ModelRead,
    ModelUpdate,
    StockAdjust,
    StockMovementRead,
)
from batchivo_catalog.models.service import ModelView

router = APIRouter(prefix="/models", tags=["models"], route_class=ETagRoute)

# A model's material and component lines are part of it: their PATCHes (and the BOM's PUT) are guarded by
# the model's ETag.
ModelTag = Annotated[None, tagged(Model, "model_id")]
ModelIfMatch = Annotated[None, versioned(Model.__table__, "model_id")]


def to_read(view: ModelView) -> ModelRead:
    m = view.model
    materials = []
    for line in view.materials:
        known = view.filaments.get(line.filament_type_id)
        cpg = None if known is None else known.cost_per_gram
        materials.append(
            BomLineRead.model_construct(
                id=line.id,
                filament_type_id=line.filament_type_id,
                grams=line.grams,
                material_code=None if known is None else known.material_code,
                brand=None if known is None else known.brand,
                color_name=None if known is None else known.color_name,
                cost_per_gram=cpg,
                cost_is_estimate=bool(known and known.cost_is_estimate),
                line_cost=None if cpg is None else (line.grams * cpg).quantize(cpg.__class__("0.001")),
            )
        )
    return ModelRead.model_construct(
        id=m.id,
        sku=m.sku,
        name=m.name,
        description=m.description,
        print_time_minutes=m.print_time_minutes,
        prints_per_plate=m.prints_per_plate,
        labor_minutes=m.labor_minutes,
        labor_rate_override=m.labor_rate_override,
        overhead_pct_override=m.overhead_pct_override,
        is_active=m.is_active,
        units_in_stock=m.units_in_stock,
        materials=materials,
        components=[
            ComponentRead.model_construct(
                id=c.id,
                name=c.name,
                quantity=c.quantity,
                unit_cost=c.unit_cost,
                line_cost=(c.quantity * c.unit_cost).quantize(c.unit_cost.__class__("0.001")),
            )
            for c in view.components
        ],
        cost=ModelCostRead.model_construct(
            material=view.cost.material,
            components=view.cost.components,
            labor=view.cost.labor,
            overhead=view.cost.overhead,
            total=view.cost.total,
        ),
        cost_is_estimate=view.cost.cost_is_estimate,
        uncosted_lines=[uuid.UUID(k) for k in view.cost.uncosted_lines],
        actual_unit_cost=view.actual_unit_cost,
        version=m.version,
        created_at=m.created_at,
        updated_at=m.updated_at,
    )


@router.get("", response_model=Page[ModelRead])
async def list_models(
    principal: ViewerDep,
    service: ModelServiceDep,
    page: PageParamsDep,
    sort: Annotated[
        str | None, Query(description=f"One of {', '.join(SORTS)}; prefix '-' for descending")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Full-text over SKU, name, description")
    ] = None,
    active: bool | None = None,
    has_stock: Annotated[bool | None, Query(alias="has-stock")] = None,
) -> Response:
    field, descending = parse_sort(sort, SORTS, "sku")
    views, total = await service.page(
        principal,
        limit=page.limit,
        offset=page.offset,
        sort=field,
        descending=descending,
        q=q,
        active=active,
        has_stock=has_stock,
    )
    # Built from trusted values (model_construct) and serialised once: no re-validation of a whole page.
    body = Page[ModelRead].model_construct(
        items=[to_read(v) for v in views], total=total, limit=page.limit, offset=page.offset
    )
    return Response(content=body.model_dump_json(), media_type="application/json")


@router.post("", response_model=ModelRead, status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_model(
    body: ModelCreate, principal: MemberDep, service: ModelServiceDep, response: Response
) -> ModelRead:
    view = await service.create(principal, body.model_dump())
    response.headers["Location"] = f"/api/v1/models/{view.model.id}"
    return to_read(view)


@router.get("/{model_id}", response_model=ModelRead)
async def get_model(
    model_id: uuid.UUID, principal: ViewerDep, _etag: ModelTag, service: ModelServiceDep
) -> ModelRead:
    return to_read(await service.get(principal, model_id))


@router.patch("/{model_id}", response_model=ModelRead)
async def update_model(
    model_id: uuid.UUID,
    body: ModelUpdate,
    principal: MemberDep,
    _if_match: ModelIfMatch,
    service: ModelServiceDep,
) -> ModelRead:
    return to_read(await service.update(principal, model_id, body.model_dump(exclude_unset=True)))


@router.delete("/{model_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_model(model_id: uuid.UUID, principal: AdminDep, service: ModelServiceDep) -> Response:
    await service.delete(principal, model_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{model_id}/bom", response_model=ModelRead)
async def replace_bom(
    model_id: uuid.UUID, body: BomIn, principal: MemberDep, _if_match: ModelIfMatch, service: ModelServiceDep
) -> ModelRead:
    return to_read(await service.replace_bom(principal, model_id, body.model_dump()))


@router.post(
    "/{model_id}/materials",
    response_model=ModelRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def add_material(
    model_id: uuid.UUID, body: BomLineIn, principal: MemberDep, service: ModelServiceDep
) -> ModelRead:
    return to_read(await service.add_material(principal, model_id, body.model_dump()))


@router.patch("/{model_id}/materials/{line_id}", response_model=ModelRead)
async def update_material(
    model_id: uuid.UUID,
    line_id: uuid.UUID,
    body: BomLineUpdate,
    principal: MemberDep,
    _if_match: ModelIfMatch,
    service: ModelServiceDep,
) -> ModelRead:
    return to_read(await service.update_material(principal, model_id, line_id, body.grams))


@router.delete("/{model_id}/materials/{line_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_material(
    model_id: uuid.UUID, line_id: uuid.UUID, principal: MemberDep, service: ModelServiceDep
) -> Response:
    await service.remove_material(principal, model_id, line_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{model_id}/components",
    response_model=ModelRead,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Idempotent],
)
async def add_component(
    model_id: uuid.UUID, body: ComponentIn, principal: MemberDep, service: ModelServiceDep
) -> ModelRead:
    return to_read(await service.add_component(principal, model_id, body.model_dump()))


@router.patch("/{model_id}/components/{line_id}", response_model=ModelRead)
async def update_component(
    model_id: uuid.UUID,
    line_id: uuid.UUID,
    body: ComponentUpdate,
    principal: MemberDep,
    _if_match: ModelIfMatch,
    service: ModelServiceDep,
) -> ModelRead:
    return to_read(
        await service.update_component(principal, model_id, line_id, body.model_dump(exclude_unset=True))
    )


@router.delete("/{model_id}/components/{line_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_component(
    model_id: uuid.UUID, line_id: uuid.UUID, principal: MemberDep, service: ModelServiceDep
) -> Response:
    await service.remove_component(principal, model_id, line_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{model_id}/stock-adjustments", response_model=ModelRead, dependencies=[Idempotent])
async def adjust_stock(
    model_id: uuid.UUID, body: StockAdjust, principal: MemberDep, service: ModelServiceDep
) -> ModelRead:
    return to_read(await service.adjust_stock(principal, model_id, body.delta, body.reason))


@router.get("/{model_id}/stock-movements", response_model=Page[StockMovementRead])
async def model_movements(
    model_id: uuid.UUID, principal: ViewerDep, service: ModelServiceDep, page: PageParamsDep
) -> Page[StockMovementRead]:
    rows, total = await service.movements(principal, model_id, limit=page.limit, offset=page.offset)
    return Page(
        items=[StockMovementRead.model_validate(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
