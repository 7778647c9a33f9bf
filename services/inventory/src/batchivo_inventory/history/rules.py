"""Pure rules of the shop-wide ledger and the usage statistics (stdlib only).

- The ledger pages by keyset on ``(created_at, id)``: a cursor is the last row's pair, opaque to clients
  (URL-safe base64 of ``<iso time>|<uuid>``). A row booked while someone pages never shifts the pages.
- CSV cells that a spreadsheet would run as a formula (``= + - @``, tab, CR) get a leading ``'``.
- Usage: grams consumed are ``-Σ delta`` of ``usage``, ``waste`` and ``return`` rows (a return gives grams
  back); adjustments (weighing, corrections, discrepancies) are not usage.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

#: Kinds whose rows are consumption (negative delta) or its reversal.
USAGE_KINDS = ("usage", "waste", "return")
#: Months a usage chart fills in between two dates (ten years).
MAX_MONTHS = 120

_MONEY = Decimal("0.01")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class InvalidCursor(ValueError):
    """A cursor this API did not hand out (HTTP 422)."""


@dataclass(frozen=True, slots=True)
class Cursor:
    created_at: datetime
    id: uuid.UUID


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    raw = f"{created_at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        when, _, ident = raw.partition("|")
        created_at = datetime.fromisoformat(when)
        row_id = uuid.UUID(ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor("The cursor is not one this API handed out; start from the first page") from None
    if created_at.tzinfo is None:
        raise InvalidCursor("The cursor is not one this API handed out; start from the first page")
    return Cursor(created_at, row_id)


def csv_cell(value: object) -> str:
    """One CSV cell: None is empty, text that would start a formula is defused with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def month_key(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def months_between(first: date, last: date) -> list[str]:
    """Every ``YYYY-MM`` from ``first``'s month to ``last``'s month, inclusive (at most ``MAX_MONTHS``)."""
    year, month = first.year, first.month
    keys: list[str] = []
    while (year, month) <= (last.year, last.month) and len(keys) < MAX_MONTHS:
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def money(value: Decimal) -> Decimal:
    return value.quantize(_MONEY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class TypeCost:
    """A filament type's cost per gram when a used spool has no price of its own."""

    per_gram: Decimal | None
    is_estimate: bool


def type_cost(
    priced_price: Decimal | None,
    priced_initial: Decimal | None,
    typical_cost_per_kg: Decimal | None,
) -> TypeCost:
    """Σ price / Σ initial of the type's priced spools; else the material's typical cost per kg (already in
    the shop's currency, see money/) / 1000, an estimate; else unknown."""
    if priced_price is not None and priced_initial:
        return TypeCost(priced_price / priced_initial, False)
    if typical_cost_per_kg is not None:
        return TypeCost(typical_cost_per_kg / 1000, True)
    return TypeCost(None, True)


@dataclass(slots=True)
class UsageBucket:
    """Grams used in one month or of one material, and what they cost."""

    key: str
    grams: Decimal = Decimal(0)
    cost: Decimal = Decimal(0)
    #: Grams priced from the type's or material's cost instead of the spool's own price.
    estimated_grams: Decimal = Decimal(0)
    #: Grams with no cost anywhere (no price, no typical cost): counted in grams, not in cost.
    uncosted_grams: Decimal = Decimal(0)


def add_usage(
    bucket: UsageBucket,
    *,
    priced_grams: Decimal,
    priced_cost: Decimal,
    unpriced_grams: Decimal,
    fallback: TypeCost,
) -> None:
    """Add one group's grams: those of priced spools with their own cost, the rest at the type's cost."""
    bucket.grams += priced_grams + unpriced_grams
    bucket.cost += priced_cost
    if unpriced_grams:
        if fallback.per_gram is None:
            bucket.uncosted_grams += unpriced_grams
        else:
            bucket.cost += unpriced_grams * fallback.per_gram
            bucket.estimated_grams += unpriced_grams
