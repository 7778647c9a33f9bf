"""The hottest reads on the driver itself: a Core statement compiled once, run by asyncpg.

SQLAlchemy's ``execute`` and its ``Result`` cost about 110 µs of CPU a statement (the compiled-cache lookup,
parameter and row processing, the greenlet hop): an eighth of a spool's GET in the inventory process, more
than the whole request of the physical floor (bench/README.md, issue 14). A route that only reads takes
``DriverReadDep``: a read-only transaction on one of the engine's pooled connections, bound to the tenant at
``BEGIN`` like every other (:class:`~batchivo_common.db.tenancy.TenantBoundConnection`), and runs
:class:`DriverQuery` statements on it. A route with a session runs them inside the session's transaction
(:func:`session_driver`, which begins it when no statement through SQLAlchemy has).

Rows are asyncpg ``Record``s: the values asyncpg decodes (UUID, Decimal, datetime, str), which are what
SQLAlchemy hands over for plain column types. Parameters go through their types' bind processing, as
SQLAlchemy's would (a JSON value becomes its text). A statement whose result columns need SQLAlchemy's
processing (an ORM enum, a JSON type with a custom decoder) does not belong here; the route's test compares
its answer, byte for byte, with the one built through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import nullcontext
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from batchivo_common.db.checkout import CheckoutGate

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]  # SQLAlchemy's dialects are untyped

#: Called with each statement's SQL as it is sent: the statement-count tests' hook
#: (``batchivo_common.testing.statements``), as SQLAlchemy's ``before_cursor_execute`` is for the others.
statement_hooks: list[Callable[[str], None]] = []


class DriverQuery:
    """``statement`` as asyncpg's SQL (``$1``, ``$2``…), compiled once; run with its named parameters."""

    def __init__(self, statement: ClauseElement) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        assert isinstance(compiled, SQLCompiler)
        self.sql = str(compiled)
        if "POSTCOMPILE" in self.sql:  # an expanding IN: asyncpg takes an array (``= ANY(...)``) instead
            raise ValueError(
                "a DriverQuery cannot have expanding parameters; compare with any_() and an array"
            )
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        binds = [compiled.binds[name] for name in self.names]
        # Values the statement carries itself (a function's literal argument, say pg_notify's channel).
        self._given = {
            name: b.effective_value for name, b in zip(self.names, binds, strict=True) if not b.required
        }
        # The few parameter types SQLAlchemy converts before the driver sees them (JSON and arrays of it
        # become text): the same conversion here, so a write may carry them; most statements have none.
        processors = [b.type.dialect_impl(_DIALECT).bind_processor(_DIALECT) for b in binds]
        self._processors = tuple((at, p) for at, p in enumerate(processors) if p is not None)

    def _arguments(self, params: Mapping[str, Any]) -> list[Any]:
        for hook in statement_hooks:
            hook(self.sql)
        given = self._given
        arguments = [params[name] if name in params else given[name] for name in self.names]
        for at, process in self._processors:
            if arguments[at] is not None:
                arguments[at] = process(arguments[at])
        return arguments

    async def fetchrow(
        self, connection: asyncpg.Connection, params: Mapping[str, Any]
    ) -> asyncpg.Record | None:
        return await connection.fetchrow(self.sql, *self._arguments(params))

    async def fetch(
        self, connection: asyncpg.Connection, params: Mapping[str, Any]
    ) -> Sequence[asyncpg.Record]:
        rows: list[asyncpg.Record] = await connection.fetch(self.sql, *self._arguments(params))
        return rows


async def session_driver(session: AsyncSession) -> asyncpg.Connection:
    """The asyncpg connection under ``session``'s transaction, for :class:`DriverQuery` statements that
    share it. When no statement has run through the session yet, its transaction begins here, as
    SQLAlchemy begins it at a first statement (with the tenant bound at ``BEGIN``): a driver statement run
    outside a transaction would see no tenant, hence no rows, and a later SQLAlchemy statement would begin
    a second transaction."""
    connection = await session.connection()
    adapted: Any = (await connection.get_raw_connection()).dbapi_connection
    # SQLAlchemy's asyncpg adapter begins its transaction lazily, at the first cursor's execute, through
    # this method (2.1: sqlalchemy/dialects/postgresql/asyncpg.py); begun here, it is the adapter's own, so
    # its COMMIT and ROLLBACK end it. The first list page of a session would otherwise pay a round trip.
    if getattr(adapted, "_transaction", None) is None:
        await adapted._start_transaction()
    driver: asyncpg.Connection = adapted.driver_connection
    if not driver.is_in_transaction():  # pragma: no cover - a SQLAlchemy that begins otherwise
        raise RuntimeError("session_driver: the session's connection is in no transaction")
    return driver


async def _driver_read(request: Request) -> AsyncIterator[asyncpg.Connection]:
    # The tenant (and GenericPlans) must be set before this runs: declare the principal first, as for
    # SessionDep. The transaction begins here, not at the first query, and is read-only.
    gate: CheckoutGate | None = getattr(request.app.state, "checkout_gate", None)
    async with (
        gate.slot() if gate is not None else nullcontext(),
        request.app.state.engine.connect() as connection,
    ):
        driver: asyncpg.Connection = (await connection.get_raw_connection()).driver_connection
        try:
            async with driver.transaction(readonly=True):
                yield driver
        except Exception as exc:
            # A connection that broke under the driver (the server ended it, the socket failed) is not
            # handed out again: SQLAlchemy only notices the breaks it sees itself.
            if driver.is_closed() or isinstance(exc, asyncpg.InterfaceError | OSError):
                await connection.invalidate()
            raise


#: The asyncpg connection of a read-only route, in a read-only transaction under the caller's tenant.
#: ``scope="request"``: the COMMIT goes after the response, as for ``ReadSessionDep``.
DriverReadDep = Annotated[asyncpg.Connection, Depends(_driver_read, scope="request")]
