"""Bodies of the shop-wide ledger and the usage statistics."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from batchivo_inventory.spools.schemas import TransactionRead
from batchivo_inventory.types import Number


class LedgerEntry(TransactionRead):
    """A ledger row with what a person reads it by: the spool's material, brand and colour."""

    material_code: str
    brand: str
    color_name: str
    color_hex: str | None


class LedgerPage(BaseModel):
    items: list[LedgerEntry]
    #: Pass as ``cursor`` for the next page; null on the last page.
    next_cursor: str | None
    #: Rows matching the filters, counted on the first page only (null when a cursor is given) and only up
    #: to 10,000: more than that is 10,001 with ``total_is_exact`` false ("10,000+").
    total: int | None
    total_is_exact: bool
    limit: int
    offset: int


class UsageGroupBy(StrEnum):
    month = "month"
    material = "material"


class UsageItem(BaseModel):
    #: ``YYYY-MM`` (UTC) or a material code.
    key: str
    grams: Number
    #: In the shop's currency: grams x the spool's price / initial weight, else the type's cost per gram.
    cost: Number
    #: Grams priced from the type's or the material's typical cost (no price on their spool).
    estimated_grams: Number
    #: Grams with no known cost in the shop's currency (not in ``cost``).
    uncosted_grams: Number


class UsageRead(BaseModel):
    group: UsageGroupBy
    items: list[UsageItem]
    total_grams: Number
    total_cost: Number
    uncosted_grams: Number
