"""JSON responses written with orjson, for hot reads that build their body as plain values.

A route that returns a pydantic model pays for building the model instances, validating them and then
serialising them; a list page of trusted rows (read from the service's own database) needs none of that.
Such a route builds plain ``dict``/``list`` values from the rows and returns :func:`json_response`, which
serialises them in one orjson call (C, several times faster than ``json.dumps`` and far faster than
pydantic's validation). The route keeps ``response_model=`` for the OpenAPI schema only.

What the values may hold, and how they come out (the same text pydantic writes for these types):

- ``str``, ``int``, ``bool``, ``None``, ``list``, ``dict`` as JSON;
- ``float`` as the shortest repr (``1.0``, ``0.3``), as ``json.dumps`` and pydantic write it;
- ``uuid.UUID`` as its hyphenated lower-case text, asyncpg's own UUID class (what the driver returns for a
  ``uuid`` column) included; ``datetime.date`` as ``YYYY-MM-DD``;
- an aware ``datetime`` in UTC as ``2026-05-01T08:00:00Z`` or ``...08:00:00.500000Z`` (``Z``, microseconds
  only when not zero), which is what pydantic writes;
- ``Decimal`` is refused (orjson has no decimal type): convert with :func:`number` first, so a money or
  gram value is never written with a precision the schema does not promise.

Non-ASCII text is written as UTF-8, not escaped.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import orjson
from starlette.background import BackgroundTask
from starlette.responses import Response

_OPTIONS = orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    # Called only for what orjson does not know: asyncpg's UUID subclass (orjson takes uuid.UUID exactly).
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable here")


def dumps(value: Any) -> bytes:
    """``value`` as compact JSON bytes (see the module doc for the types)."""
    return orjson.dumps(value, default=_default, option=_OPTIONS)


def number(value: Decimal | None) -> float | None:
    """A ``Decimal`` as the JSON number the API writes for it (``None`` stays ``None``)."""
    return None if value is None else float(value)


class ORJSONResponse(Response):
    """``application/json`` rendered with orjson (:func:`dumps`)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)


def json_response(
    content: Any,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    background: BackgroundTask | None = None,
) -> ORJSONResponse:
    """A JSON response of plain values, serialised once with orjson."""
    return ORJSONResponse(content, status_code=status_code, headers=headers, background=background)
