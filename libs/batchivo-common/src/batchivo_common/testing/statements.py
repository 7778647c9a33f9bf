"""Counting the SQL statements a request sends: the tests that keep round trips per request from creeping up
(one per statement: each is a round trip to PostgreSQL)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event

from batchivo_common.db import driver


@contextlib.contextmanager
def counting_statements(app: FastAPI) -> Iterator[list[str]]:
    """The statements sent on the app's engine (``app.state.engine``) while the block runs, in order: through
    SQLAlchemy or straight on the driver (``db.driver.DriverQuery``)."""
    statements: list[str] = []

    def count(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    driver.statement_hooks.append(statements.append)
    try:
        yield statements
    finally:
        driver.statement_hooks.remove(statements.append)
        event.remove(engine, "before_cursor_execute", count)
