"""``/api/v1/catalog/settings``: the tenant's labour rate, overhead and price multiplier."""

from __future__ import annotations

from typing import Annotated

from batchivo_common.concurrency import ETagRoute, tagged, versioned
from fastapi import APIRouter

from batchivo_catalog.deps import AdminDep, MaterialServiceDep, ViewerDep
from batchivo_catalog.materials.models import CatalogSettingsRow
from batchivo_catalog.materials.schemas import CatalogSettingsRead, CatalogSettingsUpdate

router = APIRouter(prefix="/catalog", tags=["catalog"], route_class=ETagRoute)

# One settings row per tenant, created by its first change (until then it reads as version 1, its
# defaults); the service keeps no version, so a PATCH moves it on (docs/api.md).
_SETTINGS = CatalogSettingsRow.__table__
SettingsTag = Annotated[None, tagged(CatalogSettingsRow, None, id_column="tenant_id", missing_version=1)]
SettingsIfMatch = Annotated[
    None, versioned(_SETTINGS, None, id_column="tenant_id", bump=True, create_missing=True)
]


def _read(rates: object) -> CatalogSettingsRead:
    return CatalogSettingsRead.model_validate(rates, from_attributes=True)


@router.get("/settings", response_model=CatalogSettingsRead)
async def get_settings(
    principal: ViewerDep, _etag: SettingsTag, service: MaterialServiceDep
) -> CatalogSettingsRead:
    return _read(await service.rates(principal.tenant_id))


@router.patch("/settings", response_model=CatalogSettingsRead)
async def update_settings(
    body: CatalogSettingsUpdate, principal: AdminDep, _if_match: SettingsIfMatch, service: MaterialServiceDep
) -> CatalogSettingsRead:
    return _read(await service.update_settings(principal.tenant_id, body.model_dump(exclude_unset=True)))
