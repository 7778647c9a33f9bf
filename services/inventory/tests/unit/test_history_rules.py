"""Pure rules of the shop ledger and usage: cursors, CSV cells, months, costs."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from batchivo_inventory.history.rules import (
    InvalidCursor,
    TypeCost,
    UsageBucket,
    add_usage,
    csv_cell,
    decode_cursor,
    encode_cursor,
    months_between,
    type_cost,
)


def test_a_cursor_round_trips_and_is_url_safe() -> None:
    when, row = datetime(2026, 12, 6, 8, 30, 1, 123456, tzinfo=UTC), uuid.uuid4()
    token = encode_cursor(when, row)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    back = decode_cursor(token)
    assert (back.created_at, back.id) == (when, row)


@pytest.mark.parametrize(
    "token", ["", "***", "bm9wZXxub3Bl", encode_cursor(datetime(2026, 1, 1), uuid.uuid4())]
)
def test_a_foreign_cursor_is_refused(token: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(token)


def test_csv_cells_defuse_formulas_and_format_grams() -> None:
    assert csv_cell(None) == ""
    assert csv_cell("=SUM(A1)") == "'=SUM(A1)" and csv_cell("@x") == "'@x" and csv_cell("+1") == "'+1"
    assert csv_cell("run RUN-7") == "run RUN-7"
    assert csv_cell(D("-12.5")) == "-12.50"  # numbers stay numbers


def test_months_between_fills_gaps_and_years() -> None:
    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert months_between(date(2026, 3, 1), date(2026, 2, 1)) == []
    assert len(months_between(date(2000, 1, 1), date(2030, 1, 1))) == 120


def test_type_cost_prefers_priced_spools_then_the_material() -> None:
    assert type_cost(D("45"), D("1500"), D("20")) == TypeCost(D("0.03"), False)
    assert type_cost(None, None, D("20")) == TypeCost(D("0.02"), True)
    assert type_cost(None, None, None) == TypeCost(None, True)


def test_usage_adds_own_costs_estimates_and_uncosted_grams() -> None:
    bucket = UsageBucket("PLA")
    add_usage(
        bucket,
        priced_grams=D(100),
        priced_cost=D("2.5"),
        unpriced_grams=D(40),
        fallback=TypeCost(D("0.02"), True),
    )
    add_usage(
        bucket, priced_grams=D(0), priced_cost=D(0), unpriced_grams=D(10), fallback=TypeCost(None, True)
    )
    assert (bucket.grams, bucket.cost, bucket.estimated_grams, bucket.uncosted_grams) == (
        D(150),
        D("3.30"),
        D(40),
        D(10),
    )
