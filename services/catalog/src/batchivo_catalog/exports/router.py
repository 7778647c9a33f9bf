"""``/api/v1/catalog/export/{models,products}.jsonl`` (viewer+): one cursor page of JSON Lines each.

A line is the resource's read (``ModelRead`` / ``ProductRead``, the same fields and values as ``GET
/models/{id}`` / ``GET /products/{id}``), oldest first (``created_at``, then ``id``); the next page's cursor
is in ``X-Next-Cursor`` and ``Link`` (``batchivo_common.ndjson``).
"""

from __future__ import annotations

from batchivo_common import ndjson
from batchivo_common.cursor import ExportParamsDep
from batchivo_common.db.session import ReadSessionDep
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from batchivo_catalog.deps import ViewerDep
from batchivo_catalog.models.models import Model
from batchivo_catalog.models.router import to_read
from batchivo_catalog.models.service import EXPORT_KEY as MODEL_EXPORT_KEY
from batchivo_catalog.models.service import ModelService
from batchivo_catalog.products.models import Product
from batchivo_catalog.products.router import product_json
from batchivo_catalog.products.service import EXPORT_KEY as PRODUCT_EXPORT_KEY
from batchivo_catalog.products.service import ProductService

router = APIRouter(prefix="/catalog/export", tags=["catalog"])


@router.get("/models.jsonl", response_class=StreamingResponse, responses=ndjson.RESPONSES)
async def export_models_jsonl(
    request: Request, principal: ViewerDep, session: ReadSessionDep, page: ExportParamsDep
) -> StreamingResponse:
    """One page of the shop's models (not deleted) as JSON Lines, each with its BOM, components and live
    cost as `GET /models/{id}` shows them."""
    service = ModelService(session)

    async def render(models: list[Model]) -> list[ndjson.Line]:
        return [to_read(view) for view in await service.views(principal.tenant_id, models)]

    return await ndjson.keyset_ndjson(
        session,
        request,
        kind="catalog.models",
        query=service.export_query(principal),
        key=MODEL_EXPORT_KEY,
        params=page,
        render=render,
        filename="models.jsonl",
    )


@router.get("/products.jsonl", response_class=StreamingResponse, responses=ndjson.RESPONSES)
async def export_products_jsonl(
    request: Request, principal: ViewerDep, session: ReadSessionDep, page: ExportParamsDep
) -> StreamingResponse:
    """One page of the shop's products as JSON Lines, each with its models, bundled products, prices and
    cost as `GET /products/{id}` shows them."""
    service = ProductService(session)

    async def render(products: list[Product]) -> list[ndjson.Line]:
        return [product_json(view) for view in await service.views(principal.tenant_id, products)]

    return await ndjson.keyset_ndjson(
        session,
        request,
        kind="catalog.products",
        query=service.export_query(principal),
        key=PRODUCT_EXPORT_KEY,
        params=page,
        render=render,
        filename="products.jsonl",
    )
