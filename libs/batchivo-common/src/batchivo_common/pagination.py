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


class PageParams(BaseModel):
    limit: int
    offset: int


def _page_params(
    limit: Annotated[int, Query(ge=1, le=200, description="Page size (1-200)")] = 50,
    offset: Annotated[int, Query(ge=0, description="Rows to skip")] = 0,
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
