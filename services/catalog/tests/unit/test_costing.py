"""The cost formulas of domain.md §3 over Decimal, with their rounding, bundles and cycles."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from batchivo_catalog.costing import (
    BomLine,
    BundleCycle,
    BundleTooDeep,
    ChannelTerms,
    Component,
    MaterialCost,
    ProductShape,
    Rates,
    RunShare,
    actual_unit_cost,
    channel_result,
    check_bundle,
    model_cost,
    next_sku,
    plan_assembly,
    product_costs,
    round2,
    round3,
    variance_pct,
)


def test_the_worked_example() -> None:
    cost = model_cost(
        [BomLine("pla", D(100), MaterialCost(D("0.02")))],
        [Component(D(1), D("3.00"))],
        D(60),
        Rates(labor_rate_per_hour=D(10), overhead_pct=D(10)),
    )
    assert (cost.material, cost.components, cost.labor, cost.overhead, cost.total) == (
        D("2.000"),
        D("3.000"),
        D("10.000"),
        D("1.200"),
        D("16.200"),
    )
    assert str(cost.total) == "16.200"
    assert not cost.cost_is_estimate and cost.uncosted_lines == ()


def test_parts_round_to_3dp_half_up_and_the_total_adds_the_rounded_parts() -> None:
    cost = model_cost([BomLine("a", D("0.05"), MaterialCost(D("0.0125")))], [], D(1), Rates(D(10), D(0)))
    # 0.000625 → 0.001 (half up), 1/60x10 = 0.1666… → 0.167
    assert cost.material == D("0.001") and cost.labor == D("0.167") and cost.total == D("0.168")
    assert round3(D("0.0005")) == D("0.001") and round2(D("0.005")) == D("0.01")


def test_estimates_and_uncosted_lines_are_flagged() -> None:
    cost = model_cost(
        [BomLine("est", D(10), MaterialCost(D("0.02"), is_estimate=True)), BomLine("none", D(5), None)],
        [],
        D(0),
        Rates(),
    )
    assert cost.cost_is_estimate and cost.uncosted_lines == ("none",) and cost.material == D("0.200")


def test_make_cost_of_a_bundle_of_bundles_and_suggested_price() -> None:
    m = model_cost([BomLine("pla", D(100), MaterialCost(D("0.02")))], [], D(0), Rates())  # 2.000
    shapes = {
        "inner": ProductShape(models=[("m", 2)], packaging_cost=D("0.50")),  # 4.50
        "middle": ProductShape(children=[("inner", 2)], assembly_minutes=D(6)),  # 9.00 + 1.00 = 10.00
        "outer": ProductShape(models=[("m", 1)], children=[("middle", 3), ("inner", 1)]),  # 2+30+4.5
    }
    costs = product_costs(shapes, {"m": m}, Rates(price_multiplier=D("2.5")))
    assert costs["inner"].make_cost == D("4.50")
    assert costs["middle"].make_cost == D("10.00")
    assert costs["outer"].make_cost == D("36.50")
    assert costs["outer"].suggested_price == D("91.25")


def test_make_cost_rounds_to_2dp() -> None:
    m = model_cost([], [Component(D(1), D("0.3333"))], D(0), Rates())  # 0.333
    costs = product_costs({"p": ProductShape(models=[("m", 1)])}, {"m": m}, Rates())
    assert costs["p"].make_cost == D("0.33") and str(costs["p"].make_cost) == "0.33"


def test_a_cycle_is_refused_naming_the_loop() -> None:
    with pytest.raises(BundleCycle) as err:
        check_bundle("A", {"A": ["B"], "B": ["C"], "C": ["A"]})
    assert err.value.path == ("A", "B", "C", "A")
    with pytest.raises(BundleCycle):
        check_bundle("A", {"A": ["A"]})
    with pytest.raises(BundleCycle):
        product_costs({"A": ProductShape(children=[("A", 1)])}, {}, Rates())
    check_bundle("A", {"A": ["B", "C"], "B": ["C"]})  # a diamond is fine


def test_depth_over_20_is_refused() -> None:
    chain = {f"p{i}": [f"p{i + 1}"] for i in range(21)}
    with pytest.raises(BundleTooDeep):
        check_bundle("p0", chain)
    check_bundle("p0", {f"p{i}": [f"p{i + 1}"] for i in range(20)})


def test_channel_fee_profit_and_margin() -> None:
    result = channel_result(D("20.00"), D("10.00"), ChannelTerms(D("10"), D("0.30")))
    assert (result.fee, result.profit, result.margin_pct) == (D("2.30"), D("7.70"), D("38.50"))
    assert channel_result(D(0), D(1), ChannelTerms(D(10), D(0))).margin_pct == 0


def test_actual_cost_is_quantity_weighted_and_variance() -> None:
    assert actual_unit_cost([RunShare(1, D("1.00")), RunShare(3, D("2.00"))]) == D("1.750")
    assert actual_unit_cost([]) is None
    assert variance_pct(D("11"), D("10")) == D("10.00") and variance_pct(D(1), D(0)) is None


def test_assembly_plan_names_short_models() -> None:
    plan, short = plan_assembly(2, [("a", 1), ("b", 3)], {"a": 5, "b": 5})
    assert plan.takes == {"a": 2, "b": 6} and [s.key for s in short] == ["b"]


def test_next_sku() -> None:
    assert next_sku("MOD", []) == "MOD-001"
    assert next_sku("MOD", ["MOD-001", "MOD-007", "PROD-100", "MOD-x"]) == "MOD-008"
