"""The cost of a completed run (domain.md §4), over Decimal.

``cost_per_gram_actual = sum actual grams x cost_per_gram / sum (successful units x BOM grams per unit)``;
an item's actual unit cost = its BOM grams per unit x that rate, so waste spreads over the good parts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

RATE = Decimal("0.000001")
UNIT_COST = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class MaterialUse:
    actual_grams: Decimal
    cost_per_gram: Decimal | None


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    model_id: uuid.UUID
    successful: int
    bom_grams_per_unit: Decimal


@dataclass(frozen=True, slots=True)
class RunCost:
    material_cost: Decimal
    cost_per_gram_actual: Decimal | None
    #: Per model: the actual unit cost (None when the rate is unknown).
    unit_costs: dict[uuid.UUID, Decimal | None]


def run_cost(materials: Iterable[MaterialUse], items: Iterable[ItemOutcome]) -> RunCost:
    """A spool without a price counts as 0 in the numerator; no good grams (nothing succeeded, or no
    BOM) leaves the rate unknown rather than dividing by zero."""
    items = list(items)
    cost = sum((m.actual_grams * (m.cost_per_gram or 0) for m in materials), Decimal(0))
    good_grams = sum((i.successful * i.bom_grams_per_unit for i in items), Decimal(0))
    rate = None if good_grams <= 0 else (cost / good_grams).quantize(RATE, rounding=ROUND_HALF_UP)
    unit_costs: dict[uuid.UUID, Decimal | None] = {}
    for item in items:
        unit_costs[item.model_id] = (
            None if rate is None else (item.bom_grams_per_unit * rate).quantize(UNIT_COST, ROUND_HALF_UP)
        )
    return RunCost(cost.quantize(UNIT_COST, rounding=ROUND_HALF_UP), rate, unit_costs)
