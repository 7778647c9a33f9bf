"""What a request sees when the database cannot serve it: a quick ``503 UNAVAILABLE`` with ``Retry-After``.

docs/adr/0007-database-timeouts.md. A database that is down or unreachable (connect refused, connect
timeout, starting up, shutting down, too many connections), a pool with no free connection within
``pool_timeout``, a statement cancelled by ``statement_timeout`` or ``lock_timeout``, a session ended by
``idle_in_transaction_session_timeout``, a deadlock or a serialization failure: all are transient, none is
the client's fault or a bug, so each answers 503 and the client may retry. Text or a number PostgreSQL
refuses (SQLSTATE class 22) that got past validation answers 422 rather than 500. Anything else stays a 500.
"""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine

from batchivo_common.errors import Unavailable, error_response

logger = logging.getLogger("batchivo.db")

#: Seconds a client is told to wait before retrying a 503 from the database.
RETRY_AFTER_SECONDS = 2

#: SQLSTATEs (or their two-character classes) of transient failures: connection exceptions, insufficient
#: resources, operator intervention (query_canceled = statement_timeout, admin shutdown, cannot connect
#: now), lock_not_available (lock_timeout), idle_in_transaction_session_timeout, deadlock and
#: serialization failures.
TRANSIENT_CLASSES = frozenset({"08", "53", "57"})
TRANSIENT_STATES = frozenset({"55P03", "25P03", "40001", "40P01"})


class DatabaseUnavailable(Unavailable):
    """The database could not be reached or could not serve the request now (503 with ``Retry-After``)."""

    def __init__(self, detail: str = "The database is unavailable; retry shortly") -> None:
        super().__init__(detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver error, looking through SQLAlchemy's wrapper and the ``__cause__`` chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(state, str) and state:
            return state
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return None


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` means "the database cannot serve this now" (see the module doc)."""
    if isinstance(exc, DatabaseUnavailable | sa_exc.TimeoutError):  # TimeoutError: the pool ran dry
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state is not None:
        return state in TRANSIENT_STATES or state[:2] in TRANSIENT_CLASSES
    # asyncpg's own connection errors carry no SQLSTATE (raw from a DriverReadDep route, or wrapped).
    return isinstance(exc, sa_exc.InterfaceError | sa_exc.OperationalError | asyncpg.InterfaceError)


def is_bad_data(exc: BaseException) -> bool:
    """A value PostgreSQL refused (SQLSTATE class 22: bad text encoding, out of range, ...), or one the
    driver could not even encode (asyncpg's ``DataError``, a ``ValueError``, e.g. an int past int64)."""
    state = _sqlstate(exc)
    if state is not None:
        return state.startswith("22")
    cause = getattr(exc, "orig", None)
    cause = cause.__cause__ if isinstance(cause, BaseException) else None
    return isinstance(cause, ValueError) and type(cause).__module__.startswith("asyncpg")


def unavailable_response(detail: str = "The database is unavailable; retry shortly") -> JSONResponse:
    return error_response(503, detail, "UNAVAILABLE", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    if is_transient(exc):
        logger.warning(
            "database unavailable on %s %s: %s",
            request.method,
            request.url.path,
            type(getattr(exc, "orig", None) or exc).__name__,
            extra={"sqlstate": _sqlstate(exc)},
        )
        return unavailable_response()
    if is_bad_data(exc):
        logger.warning("database refused a value on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(
            422,
            "Invalid request: a value cannot be stored",
            "VALIDATION_ERROR",
            # Which parameter it was is only in the driver's message; the request as a whole is named.
            errors=[{"loc": ["request"], "msg": "a value cannot be stored", "type": "value_unstorable"}],
        )
    logger.exception("database error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "Internal server error", "INTERNAL_ERROR")


def install_database_error_handlers(app: FastAPI) -> None:
    """Answer database failures as the module doc says (``create_service_app`` calls this)."""
    app.add_exception_handler(sa_exc.SQLAlchemyError, _database_error)
    # Raw from the driver on the routes that read through it (db/driver.py).
    app.add_exception_handler(asyncpg.PostgresError, _database_error)
    app.add_exception_handler(asyncpg.InterfaceError, _database_error)


def translate_connect_errors(engine: AsyncEngine) -> None:
    """Make any failure to open a connection a :class:`DatabaseUnavailable`.

    asyncpg reports a refused or timed-out connect as ``OSError``/``TimeoutError`` (and a database that is
    starting or full as its own errors), which SQLAlchemy passes through unwrapped; naming them here keeps
    a plain ``OSError`` elsewhere in a request (a bug) from being mistaken for a database outage.
    """

    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Dialect, _record: Any, cargs: Any, cparams: Any) -> Any:
        try:
            return dialect.connect(*cargs, **cparams)
        except Exception as exc:
            logger.warning("cannot connect to the database: %s: %s", type(exc).__name__, exc)
            raise DatabaseUnavailable() from exc
