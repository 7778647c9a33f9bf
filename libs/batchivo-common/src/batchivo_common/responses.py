"""JSON answers built from rows the service read itself, serialised once with orjson.

A route returning a pydantic model pays for validating every field of every item (the rows came from
the service's own database) and for pydantic's serialiser; on a list page of 50 items that was a third of
the service's CPU (bench/README.md, issue 14). A hot read instead builds plain dicts and answers with
:class:`TrustedJSONResponse`, declaring its model in ``response_model=`` so the OpenAPI stays the same.

:func:`dumps` writes exactly what pydantic's JSON mode writes for the project's types: ``Decimal`` as a
JSON number (``batchivo_*.types.Number``), UUIDs as strings, UTC datetimes with ``Z``. Each service keeps
a test that compares the two outputs for its fast routes.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import orjson
from starlette.responses import Response

_OPTIONS = orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):  # a driver's UUID subclass (orjson takes uuid.UUID itself)
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(content: Any) -> bytes:
    return orjson.dumps(content, default=_default, option=_OPTIONS)


class TrustedJSONResponse(Response):
    """A JSON response of dicts, lists and the scalar types of :func:`dumps`, not validated again."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content)
