"""Pure mapping of Spoolman data (its JSON or CSV export, or its REST API's answers) to our rows.

Spoolman's shapes, as its own documentation describes them:

- ``GET /api/v1/spool`` answers a list of spools, each with its ``filament`` nested (and the filament's
  ``vendor`` nested in it): ``id, registered, filament{id, name, material, density, diameter, weight,
  spool_weight, price, color_hex, settings_extruder_temp, settings_bed_temp, vendor{id, name,
  empty_spool_weight}}, price, initial_weight, spool_weight, used_weight, remaining_weight, location,
  lot_nr, comment, archived``.
- ``GET /api/v1/export/spools?fmt=json|csv`` writes the same spools *flattened*: nested keys joined with
  dots (``filament.vendor.name``), one CSV column per key; ``remaining_weight`` is not in it (it is
  derived), so it is computed as ``initial_weight - used_weight``.
- A bundle ``{"vendors": [...], "filaments": [...], "spools": [...]}`` (the three exports in one file,
  or what :mod:`fetch` reads from an instance) links spools to filaments by ``filament_id`` and filaments to
  vendors by ``vendor_id`` when they are not nested.

Each Spoolman filament becomes a filament type (brand = vendor name, colour = filament name), each spool a
spool whose ``external_id`` is the Spoolman spool id; its weights become a ``purchase`` of the initial
weight and an ``adjustment`` of ``-used_weight`` (see :class:`~batchivo_inventory.transfer.rules.SpoolIn`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from batchivo_inventory.materials import rules as material_rules
from batchivo_inventory.spools import rules as spool_rules
from batchivo_inventory.transfer.rules import (
    FilamentTypeIn,
    FileError,
    RowError,
    SpoolIn,
    decode,
    grams,
    normalize_hex,
    parse_date,
    parse_decimal,
    read_csv,
)

DEFAULT_BRAND = "Unknown brand"
DEFAULT_MATERIAL = "PLA"


def unflatten(record: Mapping[str, Any]) -> dict[str, Any]:
    """``{"filament.vendor.name": "X"}`` → ``{"filament": {"vendor": {"name": "X"}}}`` (nested keys kept)."""
    result: dict[str, Any] = {}
    for key, value in record.items():
        parts = str(key).split(".")
        target = result
        for part in parts[:-1]:
            existing = target.get(part)
            if not isinstance(existing, dict):
                existing = {}
                target[part] = existing
            target = existing
        last = parts[-1]
        if isinstance(value, dict) and isinstance(target.get(last), dict):
            target[last].update(value)
        else:
            target[last] = value
    return result


def material_code(value: Any) -> str:
    """Spoolman's free-text material as one of our codes: ``"PLA Silk"`` → ``PLA-SILK``."""
    text = str(value or "").strip()
    code = re.sub(r"[^A-Za-z0-9_+\-]+", "-", text).strip("-_").lstrip("+")[: material_rules.CODE_MAX_LENGTH]
    return material_rules.normalize_code(code) if code else DEFAULT_MATERIAL


def _number(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    number = parse_decimal(str(value))
    return number


def _text(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    text = material_rules.clean_text(str(value)).replace("\x00", "")
    return text[:limit] or None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"true", "1", "yes"}


def _temperature(value: Any) -> int | None:
    number = _number(value)
    if number is None or number < 0 or number > 500:
        return None
    return int(number)


def filament_type(
    raw: Mapping[str, Any], vendors: Mapping[str, Mapping[str, Any]], line: int
) -> FilamentTypeIn:
    vendor = raw.get("vendor")
    if not isinstance(vendor, Mapping) or not vendor.get("name"):
        vendor = vendors.get(str(raw.get("vendor_id")), {})
    brand = _text(vendor.get("name"), material_rules.BRAND_MAX_LENGTH) or DEFAULT_BRAND
    color_hex = normalize_hex(str(raw.get("color_hex") or "")) or None
    if color_hex is None and raw.get("multi_color_hexes"):
        color_hex = normalize_hex(str(raw["multi_color_hexes"]).split(",")[0])
    name = _text(raw.get("name"), material_rules.COLOR_NAME_MAX_LENGTH) or (color_hex or "Unnamed")
    density = _number(raw.get("density"))
    diameter = _number(raw.get("diameter"))
    return FilamentTypeIn(
        line=line,
        material=material_code(raw.get("material")),
        brand=brand,
        color_name=name,
        color_hex=color_hex,
        diameter_mm=diameter.quantize(Decimal("0.01")) if diameter and 0 < diameter <= 10 else None,
        density=density.quantize(Decimal("0.001")) if density and 0 < density <= 30 else None,
        extruder_temp=_temperature(raw.get("settings_extruder_temp")),
        bed_temp=_temperature(raw.get("settings_bed_temp")),
        external_id=str(raw["id"]) if raw.get("id") not in (None, "") else None,
    )


def spool(
    raw: Mapping[str, Any],
    filaments: Mapping[str, Mapping[str, Any]],
    vendors: Mapping[str, Mapping[str, Any]],
    line: int,
) -> tuple[SpoolIn | None, list[RowError]]:
    """One Spoolman spool as our spool, or the reasons it cannot be imported (line = its 1-based index
    in the export, or its CSV line)."""
    errors: list[RowError] = []
    spool_id = raw.get("id")
    if spool_id in (None, ""):
        errors.append(RowError(line, "id", "a Spoolman spool without an id"))
    filament_raw = raw.get("filament")
    if not isinstance(filament_raw, Mapping) or not (
        filament_raw.get("name") or filament_raw.get("material")
    ):
        nested_id = filament_raw.get("id") if isinstance(filament_raw, Mapping) else None
        filament_raw = filaments.get(str(raw.get("filament_id") or nested_id))
    if not isinstance(filament_raw, Mapping):
        errors.append(RowError(line, "filament", "the spool names no filament this export holds"))
        return None, errors
    filament = filament_type(filament_raw, vendors, line)
    used = _number(raw.get("used_weight")) or Decimal(0)
    remaining = _number(raw.get("remaining_weight"))
    initial = _number(raw.get("initial_weight")) or _number(filament_raw.get("weight"))
    if initial is None and remaining is not None:
        initial = remaining + used
    if initial is None or initial <= 0:
        errors.append(RowError(line, "initial_weight", "neither the spool nor its filament gives a weight"))
    elif initial > spool_rules.MAX_GRAMS:
        errors.append(RowError(line, "initial_weight", f"more than {spool_rules.MAX_GRAMS} g"))
    if used < 0:
        errors.append(RowError(line, "used_weight", "is negative"))
    if errors or initial is None:
        return None, errors
    initial = grams(initial)
    # Spoolman may have used more than the initial weight (a wrong initial weight): the spool is empty.
    used = min(grams(used), initial)
    vendor = filament_raw.get("vendor") if isinstance(filament_raw.get("vendor"), Mapping) else None
    vendor = vendor or vendors.get(str(filament_raw.get("vendor_id")), {})
    tare = (
        _number(raw.get("spool_weight"))
        or _number(filament_raw.get("spool_weight"))
        or _number(vendor.get("empty_spool_weight"))
    )
    price = _number(raw.get("price"))
    if price is None:
        price = _number(filament_raw.get("price"))
    registered = parse_date(str(raw.get("registered") or "")) if raw.get("registered") else None
    return (
        SpoolIn(
            line=line,
            filament=filament,
            external_id=str(spool_id),
            initial_weight=initial,
            used_weight=used,
            current_weight=initial - used,
            empty_spool_weight=grams(tare)
            if tare is not None and 0 <= tare <= spool_rules.MAX_GRAMS
            else None,
            purchase_price=price.quantize(Decimal("0.01"))
            if price is not None and 0 <= price <= 1_000_000
            else None,
            purchase_date=registered,
            location=_text(raw.get("location"), 100),
            lot_number=_text(raw.get("lot_nr"), 100),
            notes=(str(raw["comment"]).replace("\x00", "")[:2000] or None) if raw.get("comment") else None,
            archived=_bool(raw.get("archived")),
        ),
        [],
    )


def _by_id(items: Any) -> dict[str, Mapping[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {str(i["id"]): unflatten(i) for i in items if isinstance(i, Mapping) and "id" in i}


def parse_bundle(
    spools_raw: list[Any], filaments_raw: list[Any] | None = None, vendors_raw: list[Any] | None = None
) -> tuple[list[FilamentTypeIn], list[SpoolIn], list[RowError]]:
    """Filament types (every filament, also those without a spool) and spools of a Spoolman data set."""
    vendors = _by_id(vendors_raw or [])
    filaments = _by_id(filaments_raw or [])
    types: list[FilamentTypeIn] = []
    for index, raw in enumerate(filaments.values(), start=1):
        types.append(filament_type(raw, vendors, index))
    spools: list[SpoolIn] = []
    errors: list[RowError] = []
    for index, item in enumerate(spools_raw, start=1):
        if not isinstance(item, Mapping):
            errors.append(RowError(index, None, "not a spool object"))
            continue
        parsed, problems = spool(unflatten(item), filaments, vendors, index)
        errors.extend(problems)
        if parsed is not None:
            spools.append(parsed)
    return types, spools, errors


def parse_export(data: bytes) -> tuple[list[FilamentTypeIn], list[SpoolIn], list[RowError]]:
    """A Spoolman export: JSON (a list of spools, or a bundle object) or the spools CSV."""
    text = decode(data).strip()
    if text.startswith(("[", "{")):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileError(f"Not valid JSON: {exc.msg} at line {exc.lineno}") from None
        if isinstance(document, list):
            return parse_bundle(document)
        if isinstance(document, Mapping) and isinstance(document.get("spools"), list):
            return parse_bundle(document["spools"], document.get("filaments"), document.get("vendors"))
        raise FileError('Expected a list of Spoolman spools or {"vendors", "filaments", "spools"}')
    return _parse_csv(data)


def _parse_csv(data: bytes) -> tuple[list[FilamentTypeIn], list[SpoolIn], list[RowError]]:
    # Spoolman's headers are its attribute names (dotted); read them as they are.
    columns, records = read_csv(data, aliases=False)
    if "id" not in columns:
        raise FileError("Not a Spoolman spools export: no id column")
    types: list[FilamentTypeIn] = []
    spools: list[SpoolIn] = []
    errors: list[RowError] = []
    for line, record in records:
        cells = {k: v for k, v in record.items() if v != "" and k != "__extra__"}
        parsed, problems = spool(unflatten(cells), {}, {}, line)
        errors.extend(problems)
        if parsed is not None:
            spools.append(parsed)
    return types, spools, errors
