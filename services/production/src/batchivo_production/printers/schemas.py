"""Request and response bodies of ``/api/v1/printers``."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from batchivo_production.types import Number

Name = Annotated[str, Field(min_length=1, max_length=100)]
Text100 = Annotated[str, Field(max_length=100)]
SlotCount = Annotated[
    int,
    Field(ge=1, le=64, description="How many spools it holds at once (tools or AMS/MMU lanes)"),
]
ApiKeyId = Annotated[
    uuid.UUID | None,
    Field(
        description="The API key its Moonraker/OctoPrint reports usage with on the Spoolman-compatible API"
        " (one printer per key; null unlinks). The spool it reports becomes the printer's loaded spool."
    ),
]


class PrinterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    manufacturer: Text100 | None = None
    model: Text100 | None = None
    nozzle_diameter_mm: Annotated[Decimal, Field(gt=0, le=10, decimal_places=2)] | None = None
    build_volume: Annotated[str, Field(max_length=50)] | None = None
    notes: Annotated[str, Field(max_length=5000)] | None = None
    is_active: bool = True
    slot_count: SlotCount = 1
    api_key_id: ApiKeyId = None


class PrinterUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    manufacturer: Text100 | None = None
    model: Text100 | None = None
    nozzle_diameter_mm: Annotated[Decimal, Field(gt=0, le=10, decimal_places=2)] | None = None
    build_volume: Annotated[str, Field(max_length=50)] | None = None
    notes: Annotated[str, Field(max_length=5000)] | None = None
    is_active: bool | None = None
    slot_count: SlotCount | None = None
    api_key_id: ApiKeyId = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class LoadSpool(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spool_id: uuid.UUID
    #: Tool or AMS slot, 0-based.
    slot: Annotated[int, Field(ge=0, le=63)] = 0


class UnloadSpool(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slot: Annotated[int, Field(ge=0, le=63)] | None = None
    spool_id: uuid.UUID | None = None


class LoadedSpool(BaseModel):
    slot: int
    spool_id: uuid.UUID
    code: str | None
    filament_type_id: uuid.UUID | None
    material_code: str | None
    color_name: str | None
    current_weight: Number | None
    loaded_at: datetime


class PrinterRead(BaseModel):
    id: uuid.UUID
    name: str
    manufacturer: str | None
    model: str | None
    nozzle_diameter_mm: Number | None
    build_volume: str | None
    notes: str | None
    is_active: bool
    slot_count: int
    api_key_id: uuid.UUID | None
    #: When the linked key last started reporting usage on a spool, and which spool (its code).
    last_reported_at: datetime | None
    last_reported_spool_id: uuid.UUID | None
    last_reported_spool_code: str | None
    loaded_spools: list[LoadedSpool]
    created_at: datetime
    updated_at: datetime


class PrinterPage(BaseModel):
    items: list[PrinterRead]
    total: int
    limit: int
    offset: int
