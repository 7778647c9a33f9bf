"""``/api/v1/catalog/settings``: the tenant's labour rate, overhead and price multiplier."""

from __future__ import annotations

from fastapi import APIRouter

from batchivo_catalog.deps import AdminDep, MaterialServiceDep, ViewerDep
from batchivo_catalog.materials.schemas import CatalogSettingsRead, CatalogSettingsUpdate

router = APIRouter(prefix="/catalog", tags=["catalog"])


def _read(rates: object) -> CatalogSettingsRead:
    return CatalogSettingsRead.model_validate(rates, from_attributes=True)


@router.get("/settings", response_model=CatalogSettingsRead)
async def get_settings(principal: ViewerDep, service: MaterialServiceDep) -> CatalogSettingsRead:
    return _read(await service.rates(principal.tenant_id))


@router.patch("/settings", response_model=CatalogSettingsRead)
async def update_settings(
    body: CatalogSettingsUpdate, principal: AdminDep, service: MaterialServiceDep
) -> CatalogSettingsRead:
    return _read(await service.update_settings(principal.tenant_id, body.model_dump(exclude_unset=True)))
