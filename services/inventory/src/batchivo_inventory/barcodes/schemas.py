"""Bodies of the barcode endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

#: What a person may type or a scanner may send: digits with spaces or hyphens between them.
RawRetailCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]


class BarcodeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: RawRetailCode


class BarcodeRead(BaseModel):
    code: str
    filament_type_id: uuid.UUID
    created_at: datetime


class BarcodeList(BaseModel):
    items: list[BarcodeRead]


class BarcodeLookup(BaseModel):
    """What a scanned code names: a spool (by its code or id) or a filament type (by a remembered retail
    code). ``id`` is the spool's or the filament type's id; ``filament_type_id`` is set for both."""

    kind: Literal["spool", "filament_type"]
    id: uuid.UUID
    code: str
    filament_type_id: uuid.UUID
