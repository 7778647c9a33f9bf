"""Cursor (keyset) pagination beside the offset lists of :mod:`batchivo_common.pagination`.

A cursor is opaque to clients: base64url (no padding) of ``{"v": 1, "k": <kind>, "a": [<key values>]}``,
where the key values are the sort key of the last row handed out, ending with its ``id``. The next page is
``WHERE (sort..., id) > (:a..., :id) ORDER BY sort..., id``, so rows inserted or deleted while a client
pages never shift a row into a second page or out of every page (an offset would).

A cursor is checked strictly on the way in: the right version and kind (an export's cursor is refused by
another export), the right number of values, each parsed as its column's type, and the token must be the
canonical encoding of what it decodes to. Anything else is 400 ``INVALID_CURSOR``. A cursor is not signed:
a forged one only moves where a page starts, and every query stays scoped to the caller's tenant by RLS.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, bindparam, tuple_
from sqlalchemy.orm import QueryableAttribute

from batchivo_common.errors import AppError

#: The values a cursor can carry (the NOT NULL sort keys the exports use).
CursorValue = datetime | date | uuid.UUID | Decimal | int | str
KeyTypes = Sequence[type[Any]]
#: A sort-key column: a Core column or a mapped attribute (``Spool.created_at``).
KeyColumn = ColumnElement[Any] | QueryableAttribute[Any]

VERSION = 1
#: Longest cursor accepted: a few key values never come near it.
MAX_CURSOR_LENGTH = 512
#: Export page sizes (an export's ``limit``).
DEFAULT_EXPORT_LIMIT = 1000
MAX_EXPORT_LIMIT = 10_000


class InvalidCursor(AppError):
    status_code, code = 400, "INVALID_CURSOR"


def _plain(value: CursorValue) -> int | str:
    if isinstance(value, bool):
        raise TypeError("a cursor does not carry booleans")
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("a cursor carries aware datetimes only")
        return value.isoformat()
    if isinstance(value, date | uuid.UUID | Decimal | str):
        return str(value)
    raise TypeError(f"a cursor cannot carry {type(value).__name__}")


def encode_cursor(kind: str, values: Sequence[CursorValue]) -> str:
    """The opaque token for the row whose sort key is ``values`` (the last one its ``id``)."""
    payload = {"v": VERSION, "k": kind, "a": [_plain(v) for v in values]}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _typed(raw: Any, kind: type[Any]) -> CursorValue:
    if kind is int:
        if type(raw) is not int:
            raise ValueError("not an integer")
        return raw
    if not isinstance(raw, str):
        raise ValueError("not a string")
    if kind is str:
        return raw
    if kind is uuid.UUID:
        return uuid.UUID(raw)
    if kind is datetime:
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value
    if kind is date:
        return date.fromisoformat(raw)
    if kind is Decimal:
        number = Decimal(raw)
        if not number.is_finite():
            raise ValueError("not a finite number")
        return number
    raise TypeError(f"unsupported cursor key type {kind.__name__}")


def decode_cursor(token: str, kind: str, types: KeyTypes) -> tuple[CursorValue, ...]:
    """The key values of ``token``, typed as ``types``; 400 ``INVALID_CURSOR`` for anything else."""
    invalid = InvalidCursor("The cursor is invalid; use the cursor of a previous page of this export")
    if not token or len(token) > MAX_CURSOR_LENGTH or not token.isascii():
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError):
        raise invalid from None
    if (
        not isinstance(payload, dict)
        or set(payload) != {"v", "k", "a"}
        or payload["v"] != VERSION
        or payload["k"] != kind
        or not isinstance(payload["a"], list)
        or len(payload["a"]) != len(types)
    ):
        raise invalid
    try:
        values = tuple(_typed(v, t) for v, t in zip(payload["a"], types, strict=True))
    except (ValueError, InvalidOperation):
        raise invalid from None
    # Only the canonical spelling is a cursor: padding, reordered keys or other number forms are tampering.
    if encode_cursor(kind, values) != token:
        raise invalid
    return values


def _column(column: KeyColumn) -> ColumnElement[Any]:
    return column.expression if isinstance(column, QueryableAttribute) else column


def after(columns: Sequence[KeyColumn], values: Sequence[CursorValue]) -> ColumnElement[bool]:
    """``(columns...) > (values...)``: the rows past a cursor (a row-value comparison PostgreSQL serves
    from an index on those columns)."""
    bound = [bindparam(None, v, type_=_column(c).type) for c, v in zip(columns, values, strict=True)]
    return tuple_(*columns) > tuple_(*bound)


def up_to(columns: Sequence[KeyColumn], values: Sequence[CursorValue]) -> ColumnElement[bool]:
    """``(columns...) <= (values...)``: the rows up to and including a page's last row."""
    bound = [bindparam(None, v, type_=_column(c).type) for c, v in zip(columns, values, strict=True)]
    return tuple_(*columns) <= tuple_(*bound)


class ExportParams(BaseModel):
    cursor: str | None
    limit: int


async def _export_params(
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR_LENGTH,
            description="Where to continue: the `X-Next-Cursor` of the previous page; omit for the first",
        ),
    ] = None,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_EXPORT_LIMIT, description=f"Rows in this page (1-{MAX_EXPORT_LIMIT:,})"),
    ] = DEFAULT_EXPORT_LIMIT,
) -> ExportParams:
    return ExportParams(cursor=cursor or None, limit=limit)


ExportParamsDep = Annotated[ExportParams, Depends(_export_params)]


__all__ = [
    "DEFAULT_EXPORT_LIMIT",
    "MAX_EXPORT_LIMIT",
    "CursorValue",
    "ExportParams",
    "ExportParamsDep",
    "InvalidCursor",
    "KeyColumn",
    "after",
    "decode_cursor",
    "encode_cursor",
    "up_to",
]
