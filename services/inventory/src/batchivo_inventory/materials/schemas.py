"""Bodies of the material-type and filament-type endpoints (domain.md §2 JSON keys)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self

from batchivo_common.pagination import Page
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from batchivo_inventory.materials import rules
from batchivo_inventory.types import Grams, Number

MATERIAL_SORTS = ("code", "name", "created_at")
FILAMENT_SORTS = ("relevance", "brand", "color_name", "created_at", "material_code")

Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=rules.CODE_MAX_LENGTH,
        pattern=rules.MATERIAL_CODE_PATTERN,
    ),
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=rules.NAME_MAX_LENGTH)
]
Brand = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=rules.BRAND_MAX_LENGTH)
]
ColorName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=rules.COLOR_NAME_MAX_LENGTH)
]
ColorHex = Annotated[str, StringConstraints(pattern=rules.COLOR_HEX_PATTERN)]
Finish = Annotated[str, StringConstraints(strip_whitespace=True, max_length=rules.FINISH_MAX_LENGTH)]
Temperature = Annotated[int, Field(ge=0, le=500)]
Density = Annotated[Decimal, Field(gt=0, le=30, decimal_places=3)]
Diameter = Annotated[Decimal, Field(gt=0, le=10, decimal_places=2)]
CostPerKg = Annotated[Decimal, Field(ge=0, le=100000, decimal_places=2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Patch(_Strict):
    """A PATCH body: only the fields sent change; ``null`` is refused for the fields in ``NOT_NULL``."""

    NOT_NULL: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Self:
        for name in self.model_fields_set & self.NOT_NULL:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class MaterialTypeCreate(_Strict):
    code: Code
    name: Name
    density: Density | None = None
    typical_cost_per_kg: CostPerKg | None = None
    extruder_temp_min: Temperature | None = None
    extruder_temp_max: Temperature | None = None
    bed_temp: Temperature | None = None


class MaterialTypeUpdate(Patch):
    NOT_NULL = frozenset({"name"})

    name: Name | None = None
    density: Density | None = None
    typical_cost_per_kg: CostPerKg | None = None
    extruder_temp_min: Temperature | None = None
    extruder_temp_max: Temperature | None = None
    bed_temp: Temperature | None = None


class MaterialTypeRead(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    density: Number | None
    typical_cost_per_kg: Number | None
    #: Null: ``typical_cost_per_kg`` is in the shop's currency. ``EUR``: a global default the shop's settings
    #: cannot convert (no rate yet); show it as EUR, never in the shop's currency.
    typical_cost_currency: str | None = None
    extruder_temp_min: int | None
    extruder_temp_max: int | None
    bed_temp: int | None
    is_global: bool


class FilamentTypeCreate(_Strict):
    material_type_id: uuid.UUID
    brand: Brand
    color_name: ColorName
    color_hex: ColorHex | None = None
    finish: Finish | None = None
    diameter_mm: Diameter = Decimal(rules.DEFAULT_DIAMETER_MM)
    density: Density | None = None
    extruder_temp: Temperature | None = None
    bed_temp: Temperature | None = None
    min_stock_grams: Grams = Decimal(0)


class FilamentTypeUpdate(Patch):
    NOT_NULL = frozenset({"material_type_id", "brand", "color_name", "diameter_mm", "min_stock_grams"})

    material_type_id: uuid.UUID | None = None
    brand: Brand | None = None
    color_name: ColorName | None = None
    color_hex: ColorHex | None = None
    finish: Finish | None = None
    diameter_mm: Diameter | None = None
    density: Density | None = None
    extruder_temp: Temperature | None = None
    bed_temp: Temperature | None = None
    min_stock_grams: Grams | None = None


class FilamentTypeRead(BaseModel):
    id: uuid.UUID
    material_type_id: uuid.UUID
    material_code: str
    brand: str
    color_name: str
    color_hex: str | None
    finish: str | None
    diameter_mm: Number
    density: Number | None
    extruder_temp: int | None
    bed_temp: int | None
    min_stock_grams: Number
    cost_per_gram: Number | None
    cost_is_estimate: bool


MaterialTypePage = Page[MaterialTypeRead]
FilamentTypePage = Page[FilamentTypeRead]
