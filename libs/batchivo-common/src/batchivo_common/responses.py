"""JSON answers built from rows the service read itself, serialised once with orjson.

A route that returns a pydantic model pays for building the model instances, validating every field of
every item (the rows came from the service's own database) and for pydantic's serialiser; on a list page of
50 items that was a third of the service's CPU (bench/README.md, issue 14). A hot read instead builds plain
``dict``/``list`` values from the rows and answers with :class:`TrustedJSONResponse`, keeping its model in
``response_model=`` so the OpenAPI stays the same.

:func:`dumps` writes exactly what pydantic's JSON mode writes for the project's types:

- ``str``, ``int``, ``bool``, ``None``, ``list``, ``dict`` as JSON; non-ASCII text as UTF-8, not escaped;
- ``float`` as the shortest repr (``1.0``, ``0.3``), as ``json.dumps`` and pydantic write it;
- ``Decimal`` as that float (the API's ``Number`` types: grams and money are JSON numbers);
  :func:`number` converts one ahead, for values built outside a response;
- ``uuid.UUID`` as its hyphenated lower-case text, asyncpg's own UUID class (what the driver returns for a
  ``uuid`` column) included; ``datetime.date`` as ``YYYY-MM-DD``;
- an aware ``datetime`` in UTC as ``2026-05-01T08:00:00Z`` or ``...08:00:00.500000Z`` (``Z``, microseconds
  only when not zero).

Each service keeps a test that compares a fast route's bytes with its model's own serialisation.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import Response

_OPTIONS = orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    # Called only for what orjson does not know itself.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):  # a driver's UUID subclass (orjson takes uuid.UUID exactly)
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable here")


def dumps(content: Any) -> bytes:
    """``content`` as compact JSON bytes (see the module doc for the types)."""
    return orjson.dumps(content, default=_default, option=_OPTIONS)


def number(value: Decimal | None) -> float | None:
    """A ``Decimal`` as the JSON number the API writes for it (``None`` stays ``None``)."""
    return None if value is None else float(value)


class TrustedJSONResponse(Response):
    """``application/json`` of plain values (:func:`dumps`), not validated again."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
