"""Small SQL helpers shared by the catalog's repositories."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Uuid, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def among(column: Any, ids: Iterable[uuid.UUID]) -> ColumnElement[bool]:
    """``column = ANY($1::uuid[])``: one array parameter, so a page's hundreds of ids neither expand into
    hundreds of bind parameters nor make a new statement text per list length."""
    condition: ColumnElement[bool] = column == any_(bindparam(None, list(ids), type_=ARRAY(Uuid())))
    return condition
