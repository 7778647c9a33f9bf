"""Pure rules of low stock (domain.md §2): a notification once per crossing, not on every change."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

#: A filament type's cost per gram is published to 4 places.
_COST_PLACES = Decimal("0.0001")


class Crossing(StrEnum):
    none = "none"
    #: Was fine (or never told), is low now: publish ``inventory.stock.low.v1`` and set the flag.
    became_low = "became_low"
    #: Was low and told, is fine again: clear the flag so the next crossing is reported.
    recovered = "recovered"


def crossing(*, is_low: bool, notified: bool) -> Crossing:
    if is_low and not notified:
        return Crossing.became_low
    if not is_low and notified:
        return Crossing.recovered
    return Crossing.none


def filament_type_is_low(total_grams: Decimal, min_stock_grams: Decimal) -> bool:
    """A reorder level of 0 means "not tracked"; otherwise low when the active spools hold less."""
    return min_stock_grams > 0 and total_grams < min_stock_grams


def filament_type_cost(
    priced: list[tuple[Decimal, Decimal]], typical_cost_per_kg: Decimal | None
) -> tuple[Decimal | None, bool]:
    """Σ price / Σ initial over priced spools; else the material's typical cost per kg / 1000 (an estimate);
    to 4 places, halves up (as a spool's cost per gram, and as PostgreSQL's ``round``, which decides in the
    create's statement whether a new spool moved it: spools/repository.py).

    Returns ``(cost_per_gram, cost_is_estimate)``.
    """
    total_price = sum((p for p, _ in priced), Decimal(0))
    total_initial = sum((i for _, i in priced), Decimal(0))
    if priced and total_initial > 0:
        return (total_price / total_initial).quantize(_COST_PLACES, rounding=ROUND_HALF_UP), False
    if typical_cost_per_kg is None:
        return None, True
    return (typical_cost_per_kg / 1000).quantize(_COST_PLACES, rounding=ROUND_HALF_UP), True
