"""A code drawn by the statement that inserts its spool (spools/repository.py, ADR 0029) is written as the
service writes one (``rules.format_code``): three digits at least, never truncated."""

from __future__ import annotations

import pytest
from batchivo_inventory.spools import rules
from batchivo_inventory.spools.repository import drawn_code
from sqlalchemy import BigInteger, literal_column
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
