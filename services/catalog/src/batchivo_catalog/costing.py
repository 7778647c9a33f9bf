"""Pure cost rules of the catalog (domain.md §3): ``Decimal`` in, ``Decimal`` out, no I/O.

Rounding: every model part and the model total to 3 dp, a product's make cost to 2 dp, both
``ROUND_HALF_UP`` (what a spreadsheet does). The model total is the sum of the *rounded* parts, so the
parts shown always add up to the total shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
_Q3 = Decimal("0.001")
_Q2 = Decimal("0.01")
_HUNDRED = Decimal(100)
_SIXTY = Decimal(60)
#: A bundle may nest at most this many levels of child products.
MAX_BUNDLE_DEPTH = 20


def round3(value: Decimal) -> Decimal:
    return value.quantize(_Q3, rounding=ROUND_HALF_UP)


def round2(value: Decimal) -> Decimal:
    return value.quantize(_Q2, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Rates:
    """The tenant's settings, with a model's overrides applied where it has them."""

    labor_rate_per_hour: Decimal = Decimal(10)
    overhead_pct: Decimal = ZERO
    price_multiplier: Decimal = Decimal("2.5")


@dataclass(frozen=True, slots=True)
class MaterialCost:
    """What the read model knows about one filament type (``None``: no cost at all)."""

    cost_per_gram: Decimal | None
    is_estimate: bool = False


@dataclass(frozen=True, slots=True)
class BomLine:
    key: str
    grams: Decimal
    cost: MaterialCost | None


@dataclass(frozen=True, slots=True)
class Component:
    quantity: Decimal
    unit_cost: Decimal


@dataclass(frozen=True, slots=True)
class ModelCost:
    material: Decimal
    components: Decimal
    labor: Decimal
    overhead: Decimal
    total: Decimal
    cost_is_estimate: bool = False
    uncosted_lines: tuple[str, ...] = ()


def model_cost(
    bom: Iterable[BomLine],
    components: Iterable[Component],
    labor_minutes: Decimal,
    rates: Rates,
) -> ModelCost:
    """material + components + labour + overhead, each rounded to 3 dp; lines without a cost count 0
    and are listed in ``uncosted_lines``; a fallback (typical) cost sets ``cost_is_estimate``."""
    material = ZERO
    estimate = False
    uncosted: list[str] = []
    for line in bom:
        if line.cost is None or line.cost.cost_per_gram is None:
            uncosted.append(line.key)
            continue
        material += line.grams * line.cost.cost_per_gram
        estimate = estimate or line.cost.is_estimate
    parts = sum((c.quantity * c.unit_cost for c in components), ZERO)
    labor = labor_minutes / _SIXTY * rates.labor_rate_per_hour
    overhead = (material + labor) * rates.overhead_pct / _HUNDRED
    m, c, lab, o = round3(material), round3(parts), round3(labor), round3(overhead)
    return ModelCost(m, c, lab, o, round3(m + c + lab + o), estimate, tuple(uncosted))


@dataclass(frozen=True, slots=True)
class ProductShape:
    """One product's own parts: its models and child products with quantities."""

    models: Sequence[tuple[str, int]] = ()
    children: Sequence[tuple[str, int]] = ()
    packaging_cost: Decimal = ZERO
    assembly_minutes: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class ProductCost:
    models: Decimal
    children: Decimal
    packaging: Decimal
    assembly: Decimal
    make_cost: Decimal
    suggested_price: Decimal
    cost_is_estimate: bool = False


class BundleCycle(ValueError):
    """A product contains itself; ``path`` is the loop, first and last element the same."""

    def __init__(self, path: Sequence[str]):
        super().__init__(" → ".join(path))
        self.path = tuple(path)


class BundleTooDeep(ValueError):
    def __init__(self, path: Sequence[str]):
        super().__init__(" → ".join(path))
        self.path = tuple(path)


def check_bundle(root: str, children_of: Mapping[str, Sequence[str]]) -> None:
    """Raise :class:`BundleCycle` if ``root`` reaches itself, :class:`BundleTooDeep` past 20 levels."""

    def walk(node: str, path: list[str]) -> None:
        for child in children_of.get(node, ()):
            if child in path:
                raise BundleCycle([*path[path.index(child) :], child])
            if len(path) > MAX_BUNDLE_DEPTH:
                raise BundleTooDeep([*path, child])
            walk(child, [*path, child])

    walk(root, [root])


def product_costs(
    shapes: Mapping[str, ProductShape],
    model_costs: Mapping[str, ModelCost],
    rates: Rates,
) -> dict[str, ProductCost]:
    """make_cost of every product in ``shapes`` (children must be in ``shapes`` too); memoised, so a
    child shared by many bundles is computed once. Unknown models count 0."""
    done: dict[str, ProductCost] = {}

    def cost(key: str, path: tuple[str, ...]) -> ProductCost:
        if key in done:
            return done[key]
        if key in path:
            raise BundleCycle([*path[path.index(key) :], key])
        if len(path) > MAX_BUNDLE_DEPTH:
            raise BundleTooDeep([*path, key])
        shape = shapes[key]
        estimate = False
        models = ZERO
        for model_key, quantity in shape.models:
            mc = model_costs.get(model_key)
            if mc is not None:
                models += quantity * mc.total
                estimate = estimate or mc.cost_is_estimate
        children = ZERO
        for child_key, quantity in shape.children:
            cc = cost(child_key, (*path, key))
            children += quantity * cc.make_cost
            estimate = estimate or cc.cost_is_estimate
        assembly = shape.assembly_minutes / _SIXTY * rates.labor_rate_per_hour
        make = round2(models + children + shape.packaging_cost + assembly)
        result = ProductCost(
            models=round3(models),
            children=round3(children),
            packaging=shape.packaging_cost,
            assembly=round3(assembly),
            make_cost=make,
            suggested_price=round2(make * rates.price_multiplier),
            cost_is_estimate=estimate,
        )
        done[key] = result
        return result

    for key in shapes:
        cost(key, ())
    return done


@dataclass(frozen=True, slots=True)
class ChannelTerms:
    fee_pct: Decimal
    fixed_fee: Decimal


@dataclass(frozen=True, slots=True)
class ChannelResult:
    price: Decimal
    fee: Decimal
    profit: Decimal
    margin_pct: Decimal


def channel_result(price: Decimal, make_cost: Decimal, terms: ChannelTerms) -> ChannelResult:
    """fee = price x fee% + fixed; profit = price - fee - make cost; margin = profit / price x 100."""
    fee = round2(price * terms.fee_pct / _HUNDRED + terms.fixed_fee)
    profit = round2(price - fee - make_cost)
    margin = round2(profit / price * _HUNDRED) if price != 0 else ZERO
    return ChannelResult(price, fee, profit, margin)


@dataclass(frozen=True, slots=True)
class RunShare:
    units: int
    unit_cost: Decimal


def actual_unit_cost(shares: Iterable[RunShare]) -> Decimal | None:
    """Quantity-weighted average of the runs' actual unit costs (3 dp); ``None`` without any unit."""
    units = 0
    total = ZERO
    for share in shares:
        units += share.units
        total += share.units * share.unit_cost
    return round3(total / units) if units > 0 else None


def variance_pct(actual: Decimal, estimated: Decimal) -> Decimal | None:
    """(actual - estimated) / estimated x 100, 2 dp; ``None`` when nothing was estimated."""
    if estimated == 0:
        return None
    return round2((actual - estimated) / estimated * _HUNDRED)


@dataclass(frozen=True, slots=True)
class Shortage:
    key: str
    needed: int
    available: int


@dataclass(frozen=True, slots=True)
class AssemblyPlan:
    takes: dict[str, int] = field(default_factory=dict)


def plan_assembly(
    quantity: int, recipe: Sequence[tuple[str, int]], stock: Mapping[str, int]
) -> tuple[AssemblyPlan, list[Shortage]]:
    """Units of each model that assembling ``quantity`` products takes, and the models short of them."""
    takes: dict[str, int] = {}
    for key, per_product in recipe:
        takes[key] = takes.get(key, 0) + per_product * quantity
    short = [Shortage(k, n, stock.get(k, 0)) for k, n in takes.items() if stock.get(k, 0) < n]
    return AssemblyPlan(takes), short


def next_sku(prefix: str, existing: Iterable[str], width: int = 3) -> str:
    """``MOD`` and {``MOD-001``, ``MOD-007``, ``X-9``} → ``MOD-008``: one past the highest number in use."""
    head = f"{prefix}-"
    highest = 0
    for sku in existing:
        if sku.upper().startswith(head.upper()) and sku[len(head) :].isdigit():
            highest = max(highest, int(sku[len(head) :]))
    return f"{prefix}-{highest + 1:0{width}d}"
