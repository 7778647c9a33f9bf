"""JSON Lines exports (``application/x-ndjson``) paged with a cursor (:mod:`batchivo_common.cursor`).

One page of an export is one response: at most ``limit`` rows, one JSON object per line (the fields of the
resource's read schema), streamed 1,000 rows per database read. Where the next page starts goes in the
headers, which leave before the body: ``X-Next-Cursor: <cursor>`` and ``Link: <path?cursor=...>;
rel="next"`` (a relative reference); both are absent on the last page.

To know the page's last row before the body, the page's boundary is read first from the key columns
alone (an index walk of ``limit`` entries). The body then streams the rows after the cursor and up to that
boundary, so the next page starts exactly after the last row of this one even when rows are inserted or
deleted while it streams: every row that exists throughout the paging is handed out exactly once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_common.cursor import (
    CursorValue,
    ExportParams,
    KeyColumn,
    KeyTypes,
    after,
    decode_cursor,
    encode_cursor,
    up_to,
)

MEDIA_TYPE = "application/x-ndjson"
NEXT_CURSOR_HEADER = "X-Next-Cursor"
#: Rows per database read while a page streams.
BATCH = 1000

Line = BaseModel | Mapping[str, Any]
#: Turns a batch of the query's rows (ORM entities) into the objects of their lines, in the same order.
Render = Callable[[list[Any]], Awaitable[Sequence[Line]]]

#: The OpenAPI ``responses`` entry of an export route.
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {MEDIA_TYPE: {}},
        "description": "One JSON object per line. The next page: `X-Next-Cursor` (pass it as `cursor`) "
        'and `Link: <...>; rel="next"`; both absent on the last page',
        "headers": {
            NEXT_CURSOR_HEADER: {"description": "The cursor of the next page", "schema": {"type": "string"}},
            "Link": {"description": 'The next page as `<url>; rel="next"`', "schema": {"type": "string"}},
        },
    },
    400: {"description": "`INVALID_CURSOR`: the cursor is not one this export handed out"},
}


def line(item: Line) -> str:
    """One JSON Lines line (JSON never holds a raw newline, so the line cannot break)."""
    if isinstance(item, BaseModel):
        return item.model_dump_json() + "\n"
    return json.dumps(item, separators=(",", ":"), ensure_ascii=False) + "\n"


def next_link(request: Request, cursor: str) -> str:
    """``<path?query>; rel="next"`` with ``cursor`` replaced (relative: behind the gateway the host and
    scheme are the client's, not this service's)."""
    url = request.url.include_query_params(cursor=cursor)
    return f'<{url.path}?{url.query}>; rel="next"'


#: The key types of the usual export order, ``(created_at, id)``.
CREATED_THEN_ID: KeyTypes = (datetime, uuid.UUID)


def created_then_id(row: Any) -> tuple[CursorValue, ...]:
    """A row's values of the usual export order."""
    return (row.created_at, row.id)


async def keyset_ndjson(
    session: AsyncSession,
    request: Request,
    *,
    kind: str,
    query: Select[Any],
    key: Sequence[KeyColumn],
    params: ExportParams,
    render: Render,
    filename: str,
    key_types: KeyTypes = CREATED_THEN_ID,
    key_of: Callable[[Any], Sequence[CursorValue]] = created_then_id,
) -> StreamingResponse:
    """One page of ``query`` (a select of one ORM entity, already filtered) as JSON Lines.

    ``key`` are the sort columns ending with the unique ``id`` (NOT NULL, ideally indexed with the tenant),
    ``key_types`` their Python types, ``key_of(row)`` a row's values of them (by default every export's
    order: ``created_at`` then ``id``); ``kind`` names the export in its cursors. ``session`` must live
    until the body is sent (``ReadSessionDep``).
    """
    start = decode_cursor(params.cursor, kind, key_types) if params.cursor is not None else None
    bounds = query.with_only_columns(*key)
    if start is not None:
        bounds = bounds.where(after(key, start))
    # The page's last row (the limit-th) and whether one follows it: two keys read at offset limit - 1.
    found = (await session.execute(bounds.order_by(*key).offset(params.limit - 1).limit(2))).all()
    end: tuple[CursorValue, ...] | None = tuple(found[0]) if len(found) == 2 else None
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if end is not None:
        cursor = encode_cursor(kind, end)
        headers[NEXT_CURSOR_HEADER] = cursor
        headers["Link"] = next_link(request, cursor)

    async def body() -> AsyncIterator[bytes]:
        position = start
        while True:
            stmt = query
            if position is not None:
                stmt = stmt.where(after(key, position))
            if end is not None:
                stmt = stmt.where(up_to(key, end))
            rows = list((await session.scalars(stmt.order_by(*key).limit(BATCH))).all())
            if not rows:
                return
            chunk = "".join(line(item) for item in await render(rows)).encode()
            if len(rows) < BATCH:
                yield chunk
                return
            position = tuple(key_of(rows[-1]))
            # A page holds up to 10,000 rows: let the session forget the rendered ones (read only).
            session.expunge_all()
            yield chunk

    return StreamingResponse(body(), media_type=MEDIA_TYPE, headers=headers)


__all__ = ["BATCH", "MEDIA_TYPE", "NEXT_CURSOR_HEADER", "RESPONSES", "keyset_ndjson", "line", "next_link"]
