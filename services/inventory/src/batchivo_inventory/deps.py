"""Dependency aliases of the inventory service's routers (reads: viewer+, writes: member+, deletes: admin+;
domain.md §1). Every POST carries ``Idempotent`` (an ``Idempotency-Key`` makes a retry safe; ADR 0011)."""

from __future__ import annotations

from typing import Annotated

from batchivo_common.auth.deps import AdminDep, MemberDep, PrincipalDep, ViewerDep
from batchivo_common.db.session import SessionDep
from batchivo_common.idempotency import Idempotent
from fastapi import Depends, Request

from batchivo_inventory.materials.service import FilamentTypeService, MaterialTypeService
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.spools.service import SpoolService
from batchivo_inventory.stock.service import StockService


async def get_settings(request: Request) -> InventorySettings:
    settings: InventorySettings = request.app.state.settings
    return settings


SettingsDep = Annotated[InventorySettings, Depends(get_settings)]


async def get_material_type_service(session: SessionDep) -> MaterialTypeService:
    return MaterialTypeService(session)


async def get_filament_type_service(session: SessionDep) -> FilamentTypeService:
    return FilamentTypeService(session)


async def get_spool_service(session: SessionDep, settings: SettingsDep) -> SpoolService:
    return SpoolService(session, default_threshold_pct=settings.default_low_stock_threshold_pct)


async def get_stock_service(session: SessionDep) -> StockService:
    return StockService(session)


MaterialTypeServiceDep = Annotated[MaterialTypeService, Depends(get_material_type_service)]
FilamentTypeServiceDep = Annotated[FilamentTypeService, Depends(get_filament_type_service)]
SpoolServiceDep = Annotated[SpoolService, Depends(get_spool_service)]
StockServiceDep = Annotated[StockService, Depends(get_stock_service)]

__all__ = [
    "AdminDep",
    "FilamentTypeServiceDep",
    "Idempotent",
    "MaterialTypeServiceDep",
    "MemberDep",
    "PrincipalDep",
    "SettingsDep",
    "SpoolServiceDep",
    "StockServiceDep",
    "ViewerDep",
]
