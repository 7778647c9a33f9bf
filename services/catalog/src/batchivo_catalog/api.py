"""The public feature routers, mounted under ``/api/v1`` (``batchivo_common.app.include_api``)."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_catalog.categories.router import router as categories_router
from batchivo_catalog.channels.router import router as channels_router
from batchivo_catalog.exports.router import router as exports_router
from batchivo_catalog.images.router import router as images_router
from batchivo_catalog.materials.router import router as settings_router
from batchivo_catalog.models.router import router as models_router
from batchivo_catalog.products.router import router as products_router
from batchivo_catalog.products.router import sku_router

#: The feature routers, in the order the OpenAPI lists them (``batchivo_common.app.include_api``).
api_routers: tuple[APIRouter, ...] = (
    settings_router,
    sku_router,
    models_router,
    products_router,
    images_router,
    channels_router,
    categories_router,
    exports_router,
)

__all__ = ["api_routers"]
