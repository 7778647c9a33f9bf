"""``/api/v1/products`` (+ prices per channel, assemble, stock): HTTP only."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from batchivo_common.pagination import Page, PageParamsDep, parse_sort
from batchivo_common.responses import TrustedJSONResponse
from fastapi import APIRouter, BackgroundTasks, Query, Response, status

from batchivo_catalog.deps import (
    AdminDep,
    Idempotent,
    ImageServiceDep,
    MemberDep,
    ProductReaderDep,
    ProductServiceDep,
    ViewerDep,
)
from batchivo_catalog.models.schemas import NextSku, StockAdjust, StockMovementRead
from batchivo_catalog.products.models import Product
from batchivo_catalog.products.repository import SORTS
from batchivo_catalog.products.schemas import (
    AssembleBody,
    PriceIn,
    ProductCreate,
    ProductRead,
    ProductUpdate,
)
from batchivo_catalog.products.service import ProductView

router = APIRouter(prefix="/products", tags=["products"], route_class=ETagRoute)

ProductTag = Annotated[None, tagged(Product, "product_id", read_session=True)]
ProductIfMatch = Annotated[None, versioned(Product.__table__, "product_id")]
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


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _time(value: datetime) -> str:
    # What pydantic writes for an aware datetime: ISO 8601 with "Z" for UTC.
    return value.isoformat().replace("+00:00", "Z")


def product_json(view: ProductView) -> dict[str, Any]:
    """The ``ProductRead`` of a view as plain JSON values, built directly: a page of 50 cost trees is
    serialised with orjson instead of hundreds of model instances (the schema stays ``ProductRead``,
    and ``tests/api/test_lists.py`` checks a list item against ``GET /products/{id}``)."""
    p, cost = view.product, view.cost
    return {
        "id": str(p.id),
        "sku": p.sku,
        "name": p.name,
        "description": p.description,
        "packaging_cost": float(p.packaging_cost),
        "assembly_minutes": float(p.assembly_minutes),
        "categories": list(p.categories or []),
        "is_active": p.is_active,
        "units_in_stock": p.units_in_stock,
        "models": [
            {
                "model_id": str(row.model_id),
                "sku": None if mv is None else mv.sku,
                "name": None if mv is None else mv.name,
                "quantity": row.quantity,
                "unit_cost": None if mv is None else float(mv.cost.total),
                "actual_unit_cost": None if mv is None else _num(mv.actual_unit_cost),
            }
            for row, mv in view.models
        ],
        "children": [
            {
                "product_id": str(c.product.id),
                "sku": c.product.sku,
                "name": c.product.name,
                "quantity": c.quantity,
                "make_cost": float(c.make_cost),
            }
            for c in view.children
        ],
        "cost": {
            "models": float(cost.models),
            "children": float(cost.children),
            "packaging": float(cost.packaging),
            "assembly": float(cost.assembly),
            "make_cost": float(cost.make_cost),
        },
        "make_cost": float(cost.make_cost),
        "suggested_price": float(cost.suggested_price),
        "cost_is_estimate": cost.cost_is_estimate,
        "uncosted_lines": [str(u) for u in view.uncosted_lines],
        "actual_make_cost": _num(view.actual_make_cost),
        "variance_pct": _num(view.variance_pct),
        "channels": [
            {
                "sales_channel_id": str(channel.channel_id),
                "name": channel.name,
                "platform": channel.platform,
                "price": float(result.price),
                "fee": float(result.fee),
                "profit": float(result.profit),
                "margin_pct": _num(result.margin_pct),
            }
            for channel, result in view.channels
        ],
        "version": p.version,
        "created_at": _time(p.created_at),
        "updated_at": _time(p.updated_at),
    }


def _json(body: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    # orjson (batchivo_common.responses): the same bytes json.dumps wrote here, ~5x faster for a page.
    return TrustedJSONResponse(body, status_code, headers)


def product_response(
    view: ProductView, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return _json(product_json(view), status_code, headers)


@router.get("", response_model=Page[ProductRead])
async def list_products(
    principal: ViewerDep,
    service: ProductReaderDep,
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
    return _json(
        {
            "items": [product_json(v) for v in views],
            "total": total,
            "limit": page.limit,
            "offset": page.offset,
        }
    )


@router.post("", response_model=ProductRead, status_code=status.HTTP_201_CREATED, dependencies=[Idempotent])
async def create_product(body: ProductCreate, principal: MemberDep, service: ProductServiceDep) -> Response:
    view = await service.create(principal, body.model_dump())
    return product_response(
        view, status.HTTP_201_CREATED, {"Location": f"/api/v1/products/{view.product.id}"}
    )


@router.get("/{product_id}", response_model=ProductRead)
async def get_product(
    product_id: uuid.UUID, principal: ViewerDep, _etag: ProductTag, service: ProductReaderDep
) -> Response:
    return product_response(await service.get(principal, product_id))


@router.patch("/{product_id}", response_model=ProductRead)
async def update_product(
    product_id: uuid.UUID,
    body: ProductUpdate,
    principal: MemberDep,
    _if_match: ProductIfMatch,
    service: ProductServiceDep,
) -> Response:
    return product_response(await service.update(principal, product_id, body.model_dump(exclude_unset=True)))


@router.delete("/{product_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_product(
    product_id: uuid.UUID,
    principal: AdminDep,
    service: ProductServiceDep,
    images: ImageServiceDep,
    background: BackgroundTasks,
) -> Response:
    """Delete a product (409 IN_USE while a bundle contains it); its images' rows go with it and their stored
    bytes are removed after the deletion has committed."""
    keys = await images.keys_of_product(principal, product_id)
    await service.delete(principal, product_id)
    background.add_task(images.remove_objects, keys)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/{product_id}/prices/{channel_id}", response_model=ProductRead)
async def set_price(
    product_id: uuid.UUID,
    channel_id: uuid.UUID,
    body: PriceIn,
    principal: MemberDep,
    service: ProductServiceDep,
) -> Response:
    return product_response(await service.set_price(principal, product_id, channel_id, body.price))


@router.delete("/{product_id}/prices/{channel_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_price(
    product_id: uuid.UUID, channel_id: uuid.UUID, principal: MemberDep, service: ProductServiceDep
) -> Response:
    await service.remove_price(principal, product_id, channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{product_id}/assemble", response_model=ProductRead, dependencies=[Idempotent])
async def assemble(
    product_id: uuid.UUID, body: AssembleBody, principal: MemberDep, service: ProductServiceDep
) -> Response:
    return product_response(await service.assemble(principal, product_id, body.quantity))


@router.post("/{product_id}/stock-adjustments", response_model=ProductRead, dependencies=[Idempotent])
async def adjust_stock(
    product_id: uuid.UUID, body: StockAdjust, principal: MemberDep, service: ProductServiceDep
) -> Response:
    return product_response(await service.adjust_stock(principal, product_id, body.delta, body.reason))


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
