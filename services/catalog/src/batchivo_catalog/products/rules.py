"""Pure rules of products: the bundle check's message, actual make cost over a bundle tree."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from batchivo_catalog.costing import ZERO, round2

SIXTY = Decimal(60)


def loop_message(path: Sequence[str], *, too_deep: bool) -> str:
    chain = " → ".join(path)
    if too_deep:
        return f"Bundles may nest at most 20 levels: {chain}"
    return f"A product cannot contain itself: {chain}"


def actual_make_cost(
    key: str,
    models: Mapping[str, Sequence[tuple[str, int]]],
    children: Mapping[str, Sequence[tuple[str, int]]],
    packaging: Mapping[str, Decimal],
    assembly_labor: Mapping[str, Decimal],
    actual_unit_cost: Mapping[str, Decimal | None],
) -> Decimal | None:
    """Like make_cost, with each model's actual unit cost; ``None`` unless every model has one."""
    memo: dict[str, Decimal | None] = {}

    def walk(node: str, depth: int) -> Decimal | None:
        if node in memo:
            return memo[node]
        if depth > 21:
            return None
        total = packaging.get(node, ZERO) + assembly_labor.get(node, ZERO)
        for model, quantity in models.get(node, ()):
            unit = actual_unit_cost.get(model)
            if unit is None:
                memo[node] = None
                return None
            total += quantity * unit
        for child, quantity in children.get(node, ()):
            sub = walk(child, depth + 1)
            if sub is None:
                memo[node] = None
                return None
            total += quantity * sub
        if not models.get(node) and not children.get(node):
            memo[node] = None
            return None
        memo[node] = round2(total)
        return memo[node]

    return walk(key, 0)
