"""``/api/v1/products`` (+ prices per channel, assemble, stock): HTTP only."""

from __future__ import annotations

import uuid
from typing import Annotated

from batchivo_common.pagination import Page, PageParamsDep, parse_sort
from fastapi import APIRouter, Query, Response, status

from batchivo_catalog.deps import AdminDep, Idempotent, MemberDep, ProductServiceDep, ViewerDep
from batchivo_catalog.models.schemas import NextSku, StockAdjust, StockMovementRead
from batchivo_catalog.products.repository import SORTS
from batchivo_catalog.products.schemas import (
    AssembleBody,
    ChannelPriceRead,
    PriceIn,
    ProductChildRead,
    ProductCostRead,
    ProductCreate,
    ProductModelRead,
    ProductRead,
    ProductUpdate,
)
from batchivo_catalog.products.service import ProductView

router = APIRouter(prefix="/products", tags=["products"])
sku_router = APIRouter(prefix="/catalog", tags=["catalog"])


@sku_router.get("/next-sku", response_model=NextSku)
async def next_sku(
    principal: ViewerDep,
    service: ProductServiceDep,
    prefix: Annotated[str, Query(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9]+$")] = "MOD",
) -> NextSku:
    """The next free SKU with this prefix over models and products (``MOD`` → ``MOD-001``, then one past
    the highest number in use)."""
    return NextSku(sku=await service.next_sku(principal, prefix))


def to_read(view: ProductView) -> ProductRead:
    p = view.product
    return ProductRead.model_construct(
        id=p.id,
        sku=p.sku,
        name=p.name,
        description=p.description,
        packaging_cost=p.packaging_cost,
        assembly_minutes=p.assembly_minutes,
        categories=list(p.categories or []),
        is_active=p.is_active,
        units_in_stock=p.units_in_stock,
        models=[
            ProductModelRead.model_construct(
                model_id=row.model_id,
                sku=None if mv is None else mv.sku,
                name=None if mv is None else mv.name,
                quantity=row.quantity,
                unit_cost=None if mv is None else mv.cost.total,
                actual_unit_cost=None if mv is None else mv.actual_unit_cost,
            )
            for row, mv in view.models
        ],
        children=[
            ProductChildRead.model_construct(
                product_id=c.product.id,
                sku=c.product.sku,
                name=c.product.name,
                quantity=c.quantity,
                make_cost=c.make_cost,
            )
            for c in view.children
        ],
        cost=ProductCostRead.model_construct(
            models=view.cost.models,
            children=view.cost.children,
            packaging=view.cost.packaging,
            assembly=view.cost.assembly,
            make_cost=view.cost.make_cost,
        ),
        make_cost=view.cost.make_cost,
        suggested_price=view.cost.suggested_price,
        cost_is_estimate=view.cost.cost_is_estimate,
        uncosted_lines=view.uncosted_lines,
        actual_make_cost=view.actual_make_cost,
        variance_pct=view.variance_pct,
        channels=[
            ChannelPriceRead.model_construct(
                sales_channel_id=channel.channel_id,
                name=channel.name,
                platform=channel.platform,
                price=result.price,
                fee=result.fee,
                profit=result.profit,
                margin_pct=result.margin_pct,
            )
            for channel, result in view.channels
        ],
        version=p.version,
        created_at=p.created_at,
        updated_at=p.updated_at,
    )


@router.get("", response_model=Page[ProductRead])
async def list_products(
    principal: ViewerDep,
    service: ProductServiceDep,
    page: PageParamsDep,
    sort: Annotated[
        str | None, Query(description=f"One of {', '.join(SORTS)}; prefix '-' for descending")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Full-text over SKU, name, description")
    ] = None,
    active: bool | None = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
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
        category=category,
        has_stock=has_stock,
    )
    # Built from trusted values (model_construct) and serialised once: no re-validation of a whole page.
    body = Page[ProductRead].model_construct(
        items=[to_read(v) for v in views], total=total, limit=page.limit, offset=page.offset
    )
    return Response(content=body.model_dump_json(), media_type="application/json")


@router.post("", response_model=ProductRead, status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_product(
    body: ProductCreate, principal: MemberDep, service: ProductServiceDep, response: Response
) -> ProductRead:
    view = await service.create(principal, body.model_dump())
    response.headers["Location"] = f"/api/v1/products/{view.product.id}"
    return to_read(view)


@router.get("/{product_id}", response_model=ProductRead)
async def get_product(product_id: uuid.UUID, principal: ViewerDep, service: ProductServiceDep) -> ProductRead:
    return to_read(await service.get(principal, product_id))


@router.patch("/{product_id}", response_model=ProductRead)
async def update_product(
    product_id: uuid.UUID, body: ProductUpdate, principal: MemberDep, service: ProductServiceDep
) -> ProductRead:
    return to_read(await service.update(principal, product_id, body.model_dump(exclude_unset=True)))


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_product(product_id: uuid.UUID, principal: AdminDep, service: ProductServiceDep) -> Response:
    await service.delete(principal, product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{product_id}/prices/{channel_id}", response_model=ProductRead)
async def set_price(
    product_id: uuid.UUID,
    channel_id: uuid.UUID,
    body: PriceIn,
    principal: MemberDep,
    service: ProductServiceDep,
) -> ProductRead:
    return to_read(await service.set_price(principal, product_id, channel_id, body.price))


@router.delete("/{product_id}/prices/{channel_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_price(
    product_id: uuid.UUID, channel_id: uuid.UUID, principal: MemberDep, service: ProductServiceDep
) -> Response:
    await service.remove_price(principal, product_id, channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{product_id}/assemble", response_model=ProductRead, dependencies=[Idempotent])
async def assemble(
    product_id: uuid.UUID, body: AssembleBody, principal: MemberDep, service: ProductServiceDep
) -> ProductRead:
    return to_read(await service.assemble(principal, product_id, body.quantity))


@router.post("/{product_id}/stock-adjustments", response_model=ProductRead, dependencies=[Idempotent])
async def adjust_stock(
    product_id: uuid.UUID, body: StockAdjust, principal: MemberDep, service: ProductServiceDep
) -> ProductRead:
    return to_read(await service.adjust_stock(principal, product_id, body.delta, body.reason))


@router.get("/{product_id}/stock-movements", response_model=Page[StockMovementRead])
async def product_movements(
    product_id: uuid.UUID, principal: ViewerDep, service: ProductServiceDep, page: PageParamsDep
) -> Page[StockMovementRead]:
    rows, total = await service.movements(principal, product_id, limit=page.limit, offset=page.offset)
    return Page(
        items=[StockMovementRead.model_validate(r) for r in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
