"""List parameters and the page envelope every list endpoint uses (domain.md §0)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from batchivo_common.errors import AppError

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


#: Largest page size (domain.md §0).
MAX_LIMIT = 200
#: Deepest offset a list accepts. PostgreSQL's OFFSET is a bigint (2**63 fails in the driver), and a page
#: that far in means scanning and discarding every row before it; past a million rows, narrow the list
#: with its filters or sort instead.
MAX_OFFSET = 1_000_000


class PageParams(BaseModel):
    limit: int
    offset: int


# async though it awaits nothing: FastAPI runs a plain def in a worker thread (testing/dependencies.py).
async def _page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (1-{MAX_LIMIT})")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip (0-{MAX_OFFSET:,})")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageParamsDep = Annotated[PageParams, Depends(_page_params)]


class InvalidSort(AppError):
    status_code, code = 422, "VALIDATION_ERROR"


def parse_sort(value: str | None, allowed: Sequence[str], default: str) -> tuple[str, bool]:
    """``"-created_at"`` → ``("created_at", True)``; only whitelisted fields, else a 422."""
    raw = value or default
    descending = raw.startswith("-")
    field = raw[1:] if descending else raw
    if field not in allowed:
        raise InvalidSort(f"Cannot sort by {field!r}; choose one of: {', '.join(allowed)}")
    return field, descending
