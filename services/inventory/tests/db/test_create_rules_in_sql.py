"""Two rules the create's one statement decides in SQL (spools/repository.py, ADR 0029), held equal to
the service's Python: a drawn code is written as ``rules.format_code`` writes one (three digits at least,
never truncated), and a priced spool moves its type's cost when ``stock.rules.filament_type_cost`` says
the published cost changes."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from batchivo_inventory.spools import rules
from batchivo_inventory.spools.repository import cost_moved, drawn_code
from batchivo_inventory.stock.rules import filament_type_cost
from sqlalchemy import BigInteger, Numeric, literal_column
from sqlalchemy.dialects import postgresql

pytestmark = pytest.mark.db

NUMBERS = [1, 7, 9, 10, 42, 99, 100, 999, 1000, 1001, 9999, 12345, 10**12]


async def test_the_database_draws_codes_as_the_service_formats_them(admin_conn) -> None:
    expression = drawn_code(literal_column("t.n", BigInteger)).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    rows = await admin_conn.fetch(
        f"select {expression} as code from unnest($1::bigint[]) with ordinality as t(n, i) order by t.i",
        NUMBERS,
    )
    assert [r["code"] for r in rows] == [rules.format_code(n) for n in NUMBERS]
    assert rules.format_code(7) == "FIL-007" and rules.format_code(12345) == "FIL-12345"


def _python_moved(count: int, price: Decimal, weight: Decimal, added: tuple[Decimal, Decimal]) -> bool:
    before = filament_type_cost([(price, weight)] if count else [], None)
    after = filament_type_cost([(price + added[0], weight + added[1])], None)
    return before != after


async def test_the_database_decides_a_moved_cost_as_the_service_computes_it(admin_conn) -> None:
    D = Decimal
    cases = [
        (0, D(0), D(0), D(20), D(1000)),  # the first priced spool: the estimate gives way
        (1, D(20), D(1000), D(20), D(1000)),  # the same cost
        (1, D(20), D(1000), D(21), D(1000)),
        (3, D(60), D(3000), D("20.01"), D(1000)),  # moves the ratio, not the published cost
        (1, D("12.24"), D(1000), D("12.26"), D(1000)),  # 0.01225 exactly: halves up to 0.0123
        (2, D("24.5"), D(2000), D(0), D(1000)),
    ]
    draw = random.Random(29)
    for _ in range(300):
        count = draw.randint(1, 50)
        weight = D(draw.randint(count * 200, count * 3000))
        price = (weight * D(draw.randint(5, 60)) / 1000).quantize(D("0.01"))
        added = (D(draw.randint(500, 6000)) / 100, D(draw.choice([250, 500, 750, 1000, 2000, 3000])))
        cases.append((count, price, weight, *added))
    numeric = Numeric(16, 2)
    expression = cost_moved(
        literal_column("t.count"),
        literal_column("t.price", numeric),
        literal_column("t.weight", numeric),
        literal_column("t.added_price", numeric),
        literal_column("t.added_weight", numeric),
    ).compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    rows = await admin_conn.fetch(
        f"select {expression} as moved from unnest($1::int[], $2::numeric(16,2)[], $3::numeric(16,2)[],"
        " $4::numeric(16,2)[], $5::numeric(16,2)[]) with ordinality"
        " as t(count, price, weight, added_price, added_weight, i) order by t.i",
        *([c[k] for c in cases] for k in range(5)),
    )
    database = [r["moved"] for r in rows]
    service = [_python_moved(c[0], c[1], c[2], (c[3], c[4])) for c in cases]
    assert database == service
    assert database[:6] == [True, False, True, False, True, True]
    assert 0 < sum(database[6:]) < len(database) - 6  # the random cases hold both answers
