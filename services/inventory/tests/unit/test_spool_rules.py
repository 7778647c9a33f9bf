"""Pure rules: codes, weights, computed fields, the discrepancy split, low-stock crossings, type cost."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from batchivo_inventory.spools import rules
from batchivo_inventory.stock import rules as stock


@pytest.mark.parametrize(
    ("number", "code"),
    [(1, "FIL-001"), (42, "FIL-042"), (999, "FIL-999"), (1000, "FIL-1000"), (12345, "FIL-12345")],
)
def test_codes_have_at_least_three_digits_and_round_trip(number: int, code: str) -> None:
    assert rules.format_code(number) == code
    assert rules.parse_code(code) == number


def test_code_numbers_start_at_one() -> None:
    with pytest.raises(ValueError):
        rules.format_code(0)


@pytest.mark.parametrize("code", ["SPOOL-1", "FIL-", "FIL-1a", "fil-001", "X"])
def test_chosen_codes_are_not_parsed(code: str) -> None:
    assert rules.parse_code(code) is None


def test_codes_sort_numerically_then_chosen_codes() -> None:
    codes = ["FIL-1000", "B", "FIL-999", "FIL-002", "A"]
    assert sorted(codes, key=rules.code_sort_key) == ["FIL-002", "FIL-999", "FIL-1000", "A", "B"]


def test_net_from_gross_subtracts_the_tare() -> None:
    assert rules.net_from_gross(D("1250.5"), D("250")) == D("1000.50")
    assert rules.net_from_gross(D("800"), None) == D("800.00")
    assert rules.net_from_gross(D("250"), D("250")) == D("0.00")


def test_a_reading_below_the_tare_is_refused() -> None:
    with pytest.raises(rules.WeightError):
        rules.net_from_gross(D("249.99"), D("250"))


def test_computed_fields() -> None:
    assert rules.remaining_pct(D("250"), D("1000")) == D("25.00")
    assert rules.remaining_pct(D("1"), D("3")) == D("33.33")
    assert rules.cost_per_gram(D("25"), D("1000")) == D("0.0250")
    assert rules.cost_per_gram(D("19.99"), D("750")) == D("0.0267")
    assert rules.cost_per_gram(None, D("1000")) is None
    assert rules.is_low_stock(D("199.99"), D("1000"), D("20")) is True
    assert rules.is_low_stock(D("200"), D("1000"), D("20")) is False
    assert rules.is_low_stock(D("0"), D("1000"), D("0")) is False


def test_usage_cannot_exceed_what_the_spool_holds() -> None:
    rules.check_usage(D("10"), D("10"))
    with pytest.raises(rules.InsufficientStock):
        rules.check_usage(D("10"), D("10.01"))


def test_movement_arithmetic_and_floor() -> None:
    m = rules.movement(D("100"), D("-40"))
    assert (m.before, m.delta, m.after) == (D("100"), D("-40"), D("60"))
    with pytest.raises(rules.InsufficientStock):
        rules.movement(D("10"), D("-10.01"))


def test_a_consumption_within_the_record_has_no_discrepancy() -> None:
    booking = rules.split_consumption(D("100"), D("40"))
    assert booking == rules.Booking(consumed=D("40"), discrepancy=D("0"))
    assert booking.booked_from_record == D("40")


def test_a_consumption_beyond_the_record_is_split() -> None:
    booking = rules.split_consumption(D("30"), D("50"))
    assert booking.consumed == D("50")
    assert booking.discrepancy == D("20")
    assert booking.booked_from_record == D("30")
    # adjustment +20 then usage -50 leaves exactly 0
    assert D("30") + booking.discrepancy - booking.consumed == 0


@pytest.mark.parametrize(
    ("is_low", "notified", "expected"),
    [
        (True, False, stock.Crossing.became_low),
        (True, True, stock.Crossing.none),
        (False, True, stock.Crossing.recovered),
        (False, False, stock.Crossing.none),
    ],
)
def test_low_stock_is_reported_once_per_crossing(
    is_low: bool, notified: bool, expected: stock.Crossing
) -> None:
    assert stock.crossing(is_low=is_low, notified=notified) is expected


def test_filament_type_low_stock_needs_a_reorder_level() -> None:
    assert stock.filament_type_is_low(D("0"), D("0")) is False
    assert stock.filament_type_is_low(D("999"), D("1000")) is True
    assert stock.filament_type_is_low(D("1000"), D("1000")) is False


def test_filament_type_cost_from_priced_spools_else_the_material_estimate() -> None:
    assert stock.filament_type_cost([(D("20"), D("1000")), (D("30"), D("1000"))], D("99")) == (
        D("0.0250"),
        False,
    )
    assert stock.filament_type_cost([], D("20")) == (D("0.0200"), True)
    assert stock.filament_type_cost([], None) == (None, True)


def test_a_filament_types_cost_rounds_halves_up_as_a_spools_cost_and_postgresql_do() -> None:
    # 12.25 / 1000 = 0.01225 exactly: half-even would give 0.0122.
    assert stock.filament_type_cost([(D("12.25"), D("1000"))], None) == (D("0.0123"), False)
    assert stock.filament_type_cost([], D("12.25")) == (D("0.0123"), True)
    assert rules.cost_per_gram(D("12.25"), D("1000")) == D("0.0123")
