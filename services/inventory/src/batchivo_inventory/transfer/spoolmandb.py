"""Pure mapping of a SpoolmanDB manufacturer catalogue (``filaments/<maker>.json`` of
github.com/Donkie/SpoolmanDB) to filament types.

The file is ``{"manufacturer": str, "filaments": [{"name": "… {color_name} …", "material", "density",
"weights": [{"weight", "spool_weight"?}], "diameters": [float], "extruder_temp"?, "bed_temp"?,
"finish"?, "colors": [{"name", "hex"} | {"name", "hexes": [...]}]}]}``. Every colour of every filament
becomes one filament type: brand = manufacturer, colour name = the filament's name with ``{color_name}``
replaced, the 1.75 mm diameter when offered (else the first one; our types are unique per material,
brand and colour, not per diameter). The line of a type is its 1-based position in the catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from batchivo_inventory.materials import rules as material_rules
from batchivo_inventory.transfer.rules import (
    FilamentTypeIn,
    FileError,
    RowError,
    decode,
    normalize_hex,
    parse_decimal,
)
from batchivo_inventory.transfer.spoolman import material_code

PREFERRED_DIAMETER = Decimal("1.75")
FINISHES = frozenset({"matte", "glossy"})


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    return parse_decimal(str(value))


def _temperature(value: Any) -> int | None:
    number = _decimal(value)
    return int(number) if number is not None and 0 <= number <= 500 else None


def parse_catalogue(data: bytes) -> tuple[list[FilamentTypeIn], list[RowError]]:
    try:
        document = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        raise FileError(f"Not valid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(document, Mapping) or not isinstance(document.get("filaments"), list):
        raise FileError('Not a SpoolmanDB manufacturer file: expected {"manufacturer", "filaments": [...]}')
    maker = material_rules.clean_text(str(document.get("manufacturer") or ""))
    if not maker:
        raise FileError("The catalogue names no manufacturer")
    maker = maker[: material_rules.BRAND_MAX_LENGTH]
    types: list[FilamentTypeIn] = []
    errors: list[RowError] = []
    seen: set[tuple[str, str, str]] = set()
    line = 0
    for filament in document["filaments"]:
        if not isinstance(filament, Mapping):
            line += 1
            errors.append(RowError(line, None, "not a filament object"))
            continue
        colors = filament.get("colors") if isinstance(filament.get("colors"), list) else []
        if not colors:
            line += 1
            errors.append(
                RowError(line, "colors", f"filament {str(filament.get('name'))[:60]!r} has no colours")
            )
            continue
        diameters = [d for d in (_decimal(x) for x in filament.get("diameters") or []) if d and 0 < d <= 10]
        diameter = (
            PREFERRED_DIAMETER if PREFERRED_DIAMETER in diameters else (diameters[0] if diameters else None)
        )
        density = _decimal(filament.get("density"))
        finish = filament.get("finish") if filament.get("finish") in FINISHES else None
        template = str(filament.get("name") or "{color_name}")
        for color in colors:
            line += 1
            if not isinstance(color, Mapping) or not color.get("name"):
                errors.append(RowError(line, "colors", "a colour without a name"))
                continue
            name = material_rules.clean_text(template.replace("{color_name}", str(color["name"])))
            if len(name) > material_rules.COLOR_NAME_MAX_LENGTH:
                errors.append(
                    RowError(line, "name", f"longer than {material_rules.COLOR_NAME_MAX_LENGTH} characters")
                )
                continue
            hexes = color.get("hexes") if isinstance(color.get("hexes"), list) else [color.get("hex")]
            color_hex = normalize_hex(str(hexes[0] or "")) if hexes else None
            item = FilamentTypeIn(
                line=line,
                material=material_code(filament.get("material")),
                brand=maker,
                color_name=name,
                color_hex=color_hex,
                finish=finish,
                diameter_mm=diameter.quantize(Decimal("0.01")) if diameter is not None else None,
                density=density.quantize(Decimal("0.001"))
                if density is not None and 0 < density <= 30
                else None,
                extruder_temp=_temperature(filament.get("extruder_temp")),
                bed_temp=_temperature(filament.get("bed_temp")),
            )
            if item.natural_key in seen:
                continue  # the same colour listed twice (e.g. per weight): one type
            seen.add(item.natural_key)
            types.append(item)
    return types, errors
