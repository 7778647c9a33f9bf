"""``/api/v1/inventory/settings``: the shop's money settings (read: viewer+, write: admin+)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from batchivo_common.auth.deps import AdminDep, ViewerDep
from batchivo_common.db.session import SessionDep
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from batchivo_inventory.materials.service import FilamentTypeService
from batchivo_inventory.money.rules import GLOBAL_COST_CURRENCY
from batchivo_inventory.money.service import MoneyService, MoneySettings
from batchivo_inventory.types import Number

router = APIRouter(prefix="/inventory", tags=["inventory"])

CurrencyCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
]
Rate = Annotated[Decimal, Field(gt=0, le=1000000, decimal_places=6)]


class SettingsRead(BaseModel):
    #: The shop's currency as last saved (null: never saved; global costs are then shown in EUR).
    currency_code: str | None
    #: Units of the shop's currency per 1 EUR; converts the global material types' typical costs.
    rate_from_eur: Number | None
    #: The currency the global material types' typical costs are stored in.
    global_cost_currency: str


class SettingsWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    currency_code: CurrencyCode
    rate_from_eur: Rate | None = None


def _read(s: MoneySettings) -> SettingsRead:
    return SettingsRead(
        currency_code=s.currency_code,
        rate_from_eur=s.rate_from_eur,
        global_cost_currency=GLOBAL_COST_CURRENCY,
    )


@router.get("/settings")
async def get_settings(principal: ViewerDep, session: SessionDep) -> SettingsRead:
    return _read(await MoneyService(session).get(principal.tenant_id))


@router.put("/settings")
async def put_settings(principal: AdminDep, body: SettingsWrite, session: SessionDep) -> SettingsRead:
    """Save the shop's currency and its rate from EUR (the global material types' costs)."""
    money = MoneyService(session)
    before = await money.get(principal.tenant_id)
    saved = await money.put(
        principal.tenant_id, currency_code=body.currency_code, rate_from_eur=body.rate_from_eur
    )
    if saved != before:
        # Types priced from a global material's typical cost get a new estimate: their read models (the
        # catalog's costs) hear it through the usual ``inventory.filament_type.updated.v1``.
        types = FilamentTypeService(session)
        for filament_type_id in await money.types_of_global_materials(principal.tenant_id):
            await types.touched(principal.tenant_id, filament_type_id)
    return _read(saved)
