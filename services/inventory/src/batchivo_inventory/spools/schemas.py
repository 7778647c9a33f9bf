"""Bodies of the spool and ledger endpoints (domain.md §2 JSON keys)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from batchivo_common.pagination import Page
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from batchivo_inventory.materials.schemas import Patch
from batchivo_inventory.spools.rules import CODE_MAX_LENGTH, Kind
from batchivo_inventory.types import Grams, Money, Number, Percent, PositiveGrams

#: ``relevance`` is the default when ``q`` is given (without ``q`` it is the code order).
SPOOL_SORTS = (
    "code",
    "created_at",
    "current_weight",
    "remaining_pct",
    "location",
    "purchase_date",
    "relevance",
)
TRANSACTION_SORTS = ("created_at",)
BULK_MAX = 100

SpoolCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=CODE_MAX_LENGTH, pattern=r"^[A-Za-z0-9_.\-]+$"
    ),
]
Supplier = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Location = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
LotNumber = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Notes = Annotated[str, StringConstraints(max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _NewSpool(_Strict):
    """What one new spool and a bulk of identical new spools both say about the reel."""

    filament_type_id: uuid.UUID
    initial_weight: PositiveGrams
    empty_spool_weight: Grams | None = None
    purchase_price: Money | None = None
    purchase_date: date | None = None
    supplier: Supplier | None = None
    location: Location | None = None
    lot_number: LotNumber | None = None
    low_stock_threshold_pct: Percent | None = None


class SpoolCreate(_NewSpool):
    code: SpoolCode | None = None
    #: Defaults to ``initial_weight`` (a full spool).
    current_weight: Grams | None = None
    notes: Notes | None = None


class SpoolBulkCreate(_NewSpool):
    quantity: Annotated[int, Field(ge=1, le=BULK_MAX)]


class SpoolUpdate(Patch):
    NOT_NULL = frozenset(
        {"code", "filament_type_id", "initial_weight", "current_weight", "low_stock_threshold_pct"}
    )

    code: SpoolCode | None = None
    filament_type_id: uuid.UUID | None = None
    initial_weight: PositiveGrams | None = None
    #: A change books an ``adjustment`` in the ledger.
    current_weight: Grams | None = None
    empty_spool_weight: Grams | None = None
    purchase_price: Money | None = None
    purchase_date: date | None = None
    supplier: Supplier | None = None
    location: Location | None = None
    lot_number: LotNumber | None = None
    notes: Notes | None = None
    low_stock_threshold_pct: Percent | None = None
    reason: Reason | None = None

    def changes(self) -> dict[str, Any]:
        changes = super().changes()
        changes.pop("reason", None)
        return changes


class Weigh(_Strict):
    """Exactly one of ``gross_grams`` (spool on the scale; the tare is subtracted) or ``net_grams``."""

    gross_grams: Grams | None = None
    net_grams: Grams | None = None
    reason: Reason | None = None
    #: Book a reading above the initial weight or below the tare anyway (spools/weighing.py); else 400.
    #: Optional (null/absent = not confirmed), so existing clients need not send it.
    confirm: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.gross_grams is None) == (self.net_grams is None):
            raise ValueError("give exactly one of gross_grams or net_grams")
        return self


class Use(_Strict):
    grams: PositiveGrams
    reason: Reason | None = None


class FilamentTypeSummary(BaseModel):
    id: uuid.UUID
    material_code: str
    brand: str
    color_name: str
    color_hex: str | None


class SpoolRead(BaseModel):
    id: uuid.UUID
    code: str
    filament_type_id: uuid.UUID
    filament_type: FilamentTypeSummary
    initial_weight: Number
    current_weight: Number
    empty_spool_weight: Number | None
    purchase_price: Number | None
    purchase_date: date | None
    supplier: str | None
    location: str | None
    #: The location row of ``location`` (``/api/v1/locations/{id}``); null with no location.
    location_id: uuid.UUID | None
    lot_number: str | None
    notes: str | None
    is_archived: bool
    low_stock_threshold_pct: Number
    remaining_pct: Number
    cost_per_gram: Number | None
    is_low_stock: bool
    created_at: datetime
    updated_at: datetime


class TransactionRead(BaseModel):
    id: uuid.UUID
    spool_id: uuid.UUID
    #: The spool's human code (FIL-001), so a ledger listing reads without a lookup per row.
    spool_code: str
    kind: Kind
    grams_before: Number
    delta: Number
    grams_after: Number
    reason: str | None
    actor_id: uuid.UUID | None
    production_run_id: uuid.UUID | None
    reversal_of_id: uuid.UUID | None
    created_at: datetime


class SpoolBulkRead(BaseModel):
    items: list[SpoolRead]


class SpoolPage(Page[SpoolRead]):
    total_is_lower_bound: bool = Field(
        False,
        description="True when counting stopped: at least `total` spools match. A search (q) counts up to"
        " 1,000 matches (docs/adr/0014-spool-search.md); a list without q up to 1,000 past `offset`"
        " (docs/adr/0018-spool-list-scale.md)",
    )


TransactionPage = Page[TransactionRead]
