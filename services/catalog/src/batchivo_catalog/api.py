"""Mounts the public feature routers under ``/api/v1``."""

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

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(settings_router)
api_router.include_router(sku_router)
api_router.include_router(models_router)
api_router.include_router(products_router)
api_router.include_router(images_router)
api_router.include_router(channels_router)
api_router.include_router(categories_router)
api_router.include_router(exports_router)

__all__ = ["api_router"]
