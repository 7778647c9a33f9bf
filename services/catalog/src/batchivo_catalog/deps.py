"""Dependency aliases of the catalog service's routers (reads: viewer+, writes: member+, deletes and
sales channels: admin+). Every POST carries ``Idempotent`` (ADR 0011)."""

from __future__ import annotations

from typing import Annotated

from batchivo_common.auth.deps import AdminDep, MemberDep, PrincipalDep, ViewerDep
from batchivo_common.db.session import ReadSessionDep, SessionDep
from batchivo_common.idempotency import Idempotent
from batchivo_common.storage import Storage
from fastapi import Depends, Request

from batchivo_catalog.categories.service import CategoryService
from batchivo_catalog.channels.service import ChannelService
from batchivo_catalog.images.service import ImageService
from batchivo_catalog.materials.service import MaterialService
from batchivo_catalog.models.service import ModelService
from batchivo_catalog.products.service import ProductService
from batchivo_catalog.settings import CatalogSettings


async def get_settings(request: Request) -> CatalogSettings:
    settings: CatalogSettings = request.app.state.settings
    return settings


SettingsDep = Annotated[CatalogSettings, Depends(get_settings)]


async def get_material_service(session: SessionDep) -> MaterialService:
    return MaterialService(session)


async def get_model_service(session: SessionDep) -> ModelService:
    return ModelService(session)


async def get_product_service(session: SessionDep) -> ProductService:
    return ProductService(session)


async def get_product_reader(session: ReadSessionDep) -> ProductService:
    """A product service for routes that only read (its transaction ends after the response)."""
    return ProductService(session)


async def get_channel_service(session: SessionDep) -> ChannelService:
    return ChannelService(session)


async def get_category_service(session: SessionDep) -> CategoryService:
    return CategoryService(session)


async def get_image_service(session: SessionDep, request: Request) -> ImageService:
    storage: Storage = request.app.state.storage
    return ImageService(session, storage)


MaterialServiceDep = Annotated[MaterialService, Depends(get_material_service)]
ModelServiceDep = Annotated[ModelService, Depends(get_model_service)]
ProductServiceDep = Annotated[ProductService, Depends(get_product_service)]
ProductReaderDep = Annotated[ProductService, Depends(get_product_reader)]
ChannelServiceDep = Annotated[ChannelService, Depends(get_channel_service)]
CategoryServiceDep = Annotated[CategoryService, Depends(get_category_service)]
ImageServiceDep = Annotated[ImageService, Depends(get_image_service)]

__all__ = [
    "AdminDep",
    "CategoryServiceDep",
    "ChannelServiceDep",
    "Idempotent",
    "ImageServiceDep",
    "MaterialServiceDep",
    "MemberDep",
    "ModelServiceDep",
    "PrincipalDep",
    "ProductReaderDep",
    "ProductServiceDep",
    "SettingsDep",
    "ViewerDep",
]
