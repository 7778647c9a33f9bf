"""The run list's pure parts: filters to bind values and statements, a row to its JSON values."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from batchivo_production.runs.listing import PAGE_COLUMNS, ListFilters, page_statement, run_json


def test_filters_bind_only_what_is_set_and_escape_like_patterns() -> None:
    assert ListFilters().params() == {}
    printer = uuid.uuid4()
    params = ListFilters(
        status="planned", printer_id=printer, date_to=date(2026, 1, 2), q="100%_a\\b"
    ).params()
    assert params == {
        "status": "planned",
        "printer_id": printer,
        "date_to": date(2026, 1, 2),
        "pattern": "%100\\%\\_a\\\\b%",
    }


def test_one_statement_per_combination_with_its_binds() -> None:
    page, count = page_statement(frozenset({"status", "pattern"}))
    assert page_statement(frozenset({"pattern", "status"})) == (page, count)
    assert set(page.names) == {"tenant", "status", "pattern", "limit", "offset"}
    assert set(count.names) == {"tenant", "status", "pattern"}
    assert set(page_statement(frozenset())[0].names) == {"tenant", "limit", "offset"}
    # Compiled for asyncpg once: numbered parameters, none left by name.
    assert "$1" in page.sql and ":tenant" not in page.sql


def _row(**values: object) -> tuple[object, ...]:
    base: dict[str, object] = dict.fromkeys(PAGE_COLUMNS)
    now = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    base.update(
        id=uuid.uuid4(),
        run_number="RUN-20260501-001",
        status="completed",
        run_date=date(2026, 5, 1),
        deduction_status="none",
        version=3,
        created_at=now,
        updated_at=now,
    )
    base.update(values)
    return tuple(base[c] for c in PAGE_COLUMNS)


def test_a_run_with_its_lines() -> None:
    d = Decimal
    items = [
        ["r", "i1", "m1", "MOD-1", "Dragon", 10, 9, 1, "A1", d("12.50"), d("0.6250")],
        ["r", "i2", "m2", None, None, 2, None, None, None, None, None],
    ]
    grams = [d("100.00"), d("10.00"), d("0.00"), d("200.00"), d("85.00"), None, None, None, d("0.0200")]
    materials = [
        ["r", "l1", "s1", "FIL-1", "f1", *grams],
        ["r", "l2", "s2", None, None, d("5.00"), d("0.00"), d("0.00"), None, None, None, None, None, None],
    ]
    spool = "8f7f5b6c-0b5e-4b55-9d0e-6c0e6a0a0a01"
    booked = [{"spool_id": spool, "booked_grams": 115, "discrepancy_grams": 2.5}]
    row = _row(duration_hours=d("4.50"), estimated_print_time_hours=d("4.00"), deduction=booked)
    run = run_json(row, items, materials)
    first, second = run["materials"]
    assert (first["estimated_grams"], first["actual_grams"], first["variance_grams"]) == (110.0, 115.0, 5.0)
    assert first["variance_pct"] == 4.55 and first["cost_per_gram"] == 0.02
    assert second["actual_grams"] is None and second["variance_grams"] is None
    # A line without an actual leaves the run's actual unknown.
    assert (run["estimated_grams"], run["actual_grams"], run["variance_pct"]) == (115.0, None, None)
    assert run["success_rate"] == 75.0  # 9 good of 12 planned, an outcome known on one item
    assert run["time_variance_hours"] == 0.5
    assert run["items"][1] == {
        "id": "i2",
        "model_id": "m2",
        "sku": None,
        "name": None,
        "quantity": 2,
        "successful_quantity": None,
        "failed_quantity": None,
        "bed_position": None,
        "bom_grams_per_unit": None,
        "actual_unit_cost": None,
    }
    assert run["deduction"]["spools"] == [
        {
            "spool_id": uuid.UUID(spool),
            "booked_grams": 115.0,
            "discrepancy_grams": 2.5,
        }
    ]
    empty = run_json(_row(), [], [])
    assert (empty["actual_grams"], empty["success_rate"], empty["items"], empty["materials"]) == (
        None,
        None,
        [],
        [],
    )
