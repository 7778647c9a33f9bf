"""The pure rules: status machine, run numbers, actual grams, variance vectors, success rate, costing."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from batchivo_production.reservations import Stock, shortfall
from batchivo_production.runs import costing, rules
from batchivo_production.runs.rules import Action, Status

D = Decimal


def test_the_status_machine_has_exactly_the_edges_of_the_domain() -> None:
    assert rules.transition("planned", Action.start) is Status.in_progress
    assert rules.transition("in_progress", Action.complete) is Status.completed
    assert rules.transition("in_progress", Action.fail) is Status.failed
    assert rules.transition("planned", Action.cancel) is Status.cancelled
    assert rules.transition("in_progress", Action.cancel) is Status.cancelled
    assert rules.transition("completed", Action.revert) is Status.in_progress
    allowed = set(rules.TRANSITIONS)
    for status in Status:
        for action in Action:
            if (status, action) not in allowed:
                with pytest.raises(rules.InvalidTransition) as caught:
                    rules.transition(status.value, action)
                assert caught.value.status_code == 409
                assert caught.value.code == "INVALID_TRANSITION"


def test_run_numbers_are_dated_and_zero_padded() -> None:
    assert rules.run_number(date(2026, 12, 6), 7) == "RUN-20261206-007"
    assert rules.run_number(date(2026, 1, 31), 1000) == "RUN-20260131-1000"


def test_weighing_wins_over_entered_grams() -> None:
    line = rules.Line(D(100), D(10), weight_before=D(200), weight_after=D(85), actual_model=D(50))
    assert line.actual == D("115.00")
    assert rules.Line(actual_model=D(40), actual_flush=D("2.5")).actual == D("42.50")
    assert rules.Line(D(10)).actual is None
    assert rules.Line(weight_before=D(200)).actual is None


def test_the_variance_vectors_of_the_issue() -> None:
    line = rules.Line(D(100), D(10), weight_before=D(200), weight_after=D(85))
    assert line.estimated == D(110)
    var = rules.variance(line.estimated, line.actual)
    assert var is not None
    assert (var.grams, var.percent) == (D("5.00"), D("4.55"))
    assert rules.time_variance(D("4.0"), D("4.5")) == D("0.50")
    assert rules.success_rate(9, 10) == D("90.00")
    assert rules.success_rate(0, 0) is None
    assert rules.variance(D(0), D(5)) == rules.Variance(D("5.00"), None)


def test_weighing_after_more_than_before_is_refused() -> None:
    rules.check_weighing(D(100), D(100))
    with pytest.raises(rules.WeighingInverted):
        rules.check_weighing(D(100), D("100.01"))


def test_outcomes_never_exceed_the_quantity() -> None:
    rules.check_outcome(10, 9, 1)
    with pytest.raises(rules.InvalidOutcome):
        rules.check_outcome(10, 9, 2)


def test_the_run_cost_spreads_waste_over_good_parts() -> None:
    model = uuid.uuid4()
    # The must-show run: 220 g + 55 g at 0.02 /g, 5 good units of a 50 g model.
    cost = costing.run_cost(
        [costing.MaterialUse(D(220), D("0.02")), costing.MaterialUse(D(55), D("0.02"))],
        [costing.ItemOutcome(model, 5, D(50))],
    )
    assert cost.material_cost == D("5.5000")
    assert cost.cost_per_gram_actual == D("0.022000")
    assert cost.unit_costs[model] == D("1.1000")


def test_no_good_parts_leaves_the_rate_unknown() -> None:
    model = uuid.uuid4()
    cost = costing.run_cost([costing.MaterialUse(D(100), None)], [costing.ItemOutcome(model, 0, D(50))])
    assert cost.cost_per_gram_actual is None
    assert cost.unit_costs[model] is None


def test_the_shortfall_names_the_spool_and_the_missing_grams() -> None:
    assert shortfall("FIL-1", Stock(D(1000), D(600)), D(400)) is None
    refusal = shortfall("FIL-1", Stock(D(1000), D(600)), D(450))
    assert refusal is not None
    assert refusal.code == "INSUFFICIENT_STOCK"
    assert "FIL-1" in refusal.detail
    assert "short by 50" in refusal.detail
