"""Spoolman's JSON shapes (its ``/api/v1`` models): answers leave out unset fields, as Spoolman's do.

Request bodies ignore fields they do not know (Spoolman's clients send their own, e.g. ``extra`` custom
fields or ids): being liberal there keeps unchanged clients working; every known field is checked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from batchivo_inventory.materials.schemas import Brand, ColorName, Density, Diameter, Temperature

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Comment = Annotated[str, StringConstraints(max_length=2000)]
#: Grams a client may send (Spoolman allows any non-negative float; we cap at the ledger's 100 kg).
InGrams = Annotated[float, Field(ge=0, le=100000)]


class SpoolmanMessage(BaseModel):
    message: str


class SpoolmanHealth(BaseModel):
    status: str


class SpoolmanInfo(BaseModel):
    version: str
    debug_mode: bool
    automatic_backups: bool
    data_dir: str
    logs_dir: str
    backups_dir: str
    db_type: str
    git_commit: str | None = None
    build_date: datetime | None = None


class SpoolmanVendor(BaseModel):
    id: int
    registered: datetime
    name: str
    comment: str | None = None
    empty_spool_weight: float | None = None
    external_id: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class SpoolmanFilament(BaseModel):
    id: int
    registered: datetime
    name: str | None = None
    vendor: SpoolmanVendor | None = None
    material: str | None = None
    price: float | None = None
    density: float
    diameter: float
    weight: float | None = None
    spool_weight: float | None = None
    article_number: str | None = None
    comment: str | None = None
    settings_extruder_temp: int | None = None
    settings_bed_temp: int | None = None
    color_hex: str | None = None
    external_id: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class SpoolmanSpool(BaseModel):
    id: int
    registered: datetime
    first_used: datetime | None = None
    last_used: datetime | None = None
    filament: SpoolmanFilament
    price: float | None = None
    remaining_weight: float | None = None
    initial_weight: float | None = None
    spool_weight: float | None = None
    used_weight: float
    remaining_length: float | None = None
    used_length: float
    location: str | None = None
    lot_nr: str | None = None
    comment: str | None = None
    archived: bool
    extra: dict[str, str] = Field(default_factory=dict)


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SpoolmanSpoolCreate(_Body):
    filament_id: int
    #: Required here (Spoolman falls back to the filament's weight, which our filament types do not have).
    initial_weight: Annotated[float, Field(gt=0, le=100000)]
    spool_weight: InGrams | None = None
    price: Annotated[float, Field(ge=0, le=1000000)] | None = None
    remaining_weight: InGrams | None = None
    used_weight: InGrams | None = None
    location: ShortText | None = None
    lot_nr: ShortText | None = None
    comment: Comment | None = None
    archived: bool = False


class SpoolmanSpoolUpdate(_Body):
    filament_id: int | None = None
    initial_weight: Annotated[float, Field(gt=0, le=100000)] | None = None
    spool_weight: InGrams | None = None
    price: Annotated[float, Field(ge=0, le=1000000)] | None = None
    remaining_weight: InGrams | None = None
    used_weight: InGrams | None = None
    location: ShortText | None = None
    lot_nr: ShortText | None = None
    comment: Comment | None = None
    archived: bool | None = None


class SpoolmanSpoolUse(_Body):
    """Exactly one of ``use_weight`` (g) or ``use_length`` (mm), either may be negative (filament back);
    the service answers 400 otherwise, as Spoolman does."""

    use_weight: Annotated[float, Field(ge=-100000, le=100000)] | None = None
    use_length: Annotated[float, Field(ge=-100_000_000, le=100_000_000)] | None = None


class SpoolmanSpoolMeasure(_Body):
    """The gross weight of the spool on a scale (filament and empty spool), in grams."""

    weight: InGrams


class SpoolmanFilamentCreate(_Body):
    """A filament type: ``name`` is its colour name, ``vendor_id`` an existing vendor (brand), ``material``
    the code of one of the shop's material types. Price, weights, article number and comment are ignored
    (our filament types do not hold them)."""

    name: ColorName | None = None
    vendor_id: int | None = None
    material: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = None
    density: Density | None = None
    diameter: Diameter | None = None
    color_hex: Annotated[str, StringConstraints(max_length=9)] | None = None
    settings_extruder_temp: Temperature | None = None
    settings_bed_temp: Temperature | None = None


class SpoolmanFilamentUpdate(SpoolmanFilamentCreate):
    pass


class SpoolmanVendorCreate(_Body):
    """Spoolman's vendor parameters; only ``name`` means something here (a vendor is a brand)."""

    name: Brand | None = None


class SpoolmanVendorUpdate(SpoolmanVendorCreate):
    """``name`` renames the brand on every filament type of the shop that has it; ``comment``,
    ``empty_spool_weight``, ``external_id`` and ``extra`` are ignored (our brands do not hold them)."""


class SpoolmanSetting(BaseModel):
    """One of Spoolman's settings: ``value`` is JSON text (``"\\"EUR\\""``), as Spoolman stores it."""

    value: str
    is_set: bool
    type: str
