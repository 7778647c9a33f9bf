"""Pure rules of import and export: reading CSV files into checked rows, and writing CSV cells.

No database and no server: every function here takes bytes or plain values and returns rows or
:class:`RowError` values (line number, field, message), so a dry run can report every bad row at once.

Line numbers are the file's physical lines as a spreadsheet shows them: the header is line 1, the first
data row line 2 (a quoted cell spanning lines counts from the line where its row starts).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from batchivo_inventory.materials import rules as material_rules
from batchivo_inventory.spools import rules as spool_rules

#: Largest number of data rows in one file (a bigger shop splits its file): one file is one request and one
#: transaction, and 10,000 new spools take ~10-20 s on a busy 2-core host, inside the gateway's 30 s.
MAX_ROWS = 10_000
#: A cell starting with one of these is a formula to a spreadsheet; exports prefix it with ``'``.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SPOOL_CODE = re.compile(r"^[A-Za-z0-9_.\-]+$")
COLOR_HEX = re.compile(r"^#?([0-9A-Fa-f]{6})([0-9A-Fa-f]{2})?$")
TRUE = frozenset({"true", "yes", "y", "1", "x"})
FALSE = frozenset({"false", "no", "n", "0", ""})

#: The columns of our exports, in order (an import reads the same names, plus ``external_id``).
FILAMENT_TYPE_COLUMNS = (
    "material",
    "brand",
    "color_name",
    "color_hex",
    "finish",
    "diameter_mm",
    "density",
    "extruder_temp",
    "bed_temp",
    "min_stock_grams",
)
SPOOL_COLUMNS = (
    "code",
    "material",
    "brand",
    "color_name",
    "color_hex",
    "initial_weight",
    "current_weight",
    "remaining_pct",
    "empty_spool_weight",
    "purchase_price",
    "purchase_date",
    "supplier",
    "location",
    "lot_number",
    "low_stock_threshold_pct",
    "archived",
    "notes",
)

#: Other spellings people use for our column names (after lower-casing, spaces and dashes → ``_``).
ALIASES: Mapping[str, str] = {
    "material_code": "material",
    "colour": "color_name",
    "color": "color_name",
    "colour_name": "color_name",
    "colour_hex": "color_hex",
    "hex": "color_hex",
    "vendor": "brand",
    "manufacturer": "brand",
    "diameter": "diameter_mm",
    "weight": "initial_weight",
    "initial_weight_g": "initial_weight",
    "remaining_weight": "current_weight",
    "remaining": "current_weight",
    "current_weight_g": "current_weight",
    "spool_weight": "empty_spool_weight",
    "tare": "empty_spool_weight",
    "price": "purchase_price",
    "lot": "lot_number",
    "lot_nr": "lot_number",
    "comment": "notes",
    "threshold": "low_stock_threshold_pct",
    "id": "external_id",
}


class FileError(ValueError):
    """The file as a whole cannot be read (encoding, no header, too many rows): a 422 for the request."""


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    field: str | None
    message: str


@dataclass(frozen=True, slots=True)
class FilamentTypeIn:
    """A filament type as a file describes it; ``None`` means "not given" (keep / default)."""

    line: int
    material: str
    brand: str
    color_name: str
    color_hex: str | None = None
    finish: str | None = None
    diameter_mm: Decimal | None = None
    density: Decimal | None = None
    extruder_temp: int | None = None
    bed_temp: int | None = None
    min_stock_grams: Decimal | None = None
    external_id: str | None = None

    @property
    def natural_key(self) -> tuple[str, str, str]:
        return natural_key(self.material, self.brand, self.color_name)

    def fields(self) -> dict[str, Any]:
        """The given optional fields of the type (what an update may change)."""
        names = (
            "color_hex",
            "finish",
            "diameter_mm",
            "density",
            "extruder_temp",
            "bed_temp",
            "min_stock_grams",
        )
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


@dataclass(frozen=True, slots=True)
class SpoolIn:
    """A spool as a file describes it. ``used_weight`` (Spoolman) books a purchase of ``initial_weight``
    then an adjustment of ``-used_weight``; otherwise ``current_weight`` is what the spool holds."""

    line: int
    filament: FilamentTypeIn
    code: str | None = None
    external_id: str | None = None
    initial_weight: Decimal | None = None
    current_weight: Decimal | None = None
    used_weight: Decimal | None = None
    empty_spool_weight: Decimal | None = None
    purchase_price: Decimal | None = None
    purchase_date: date | None = None
    supplier: str | None = None
    location: str | None = None
    lot_number: str | None = None
    notes: str | None = None
    low_stock_threshold_pct: Decimal | None = None
    archived: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        """The given spool fields other than weights and the type (what an update may change)."""
        names = (
            "initial_weight",
            "empty_spool_weight",
            "purchase_price",
            "purchase_date",
            "supplier",
            "location",
            "lot_number",
            "notes",
            "low_stock_threshold_pct",
        )
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def natural_key(material: str, brand: str, color_name: str) -> tuple[str, str, str]:
    """A filament type's natural key: material code, brand and colour, cleaned and case-insensitive."""
    return (
        material_rules.normalize_code(material),
        material_rules.clean_text(brand).casefold(),
        material_rules.clean_text(color_name).casefold(),
    )


# --- reading -------------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (what Excel writes on many machines)."""
    if b"\x00" in data:
        raise FileError("The file contains NUL bytes; it is not a text CSV file (UTF-16 is not supported)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise FileError("The file is neither UTF-8 nor Windows-1252 text") from None


def column_name(header: str, *, aliases: bool = True) -> str:
    name = re.sub(r"[\s\-]+", "_", header.strip().lower())
    return ALIASES.get(name, name) if aliases else name


def read_csv(data: bytes, *, aliases: bool = True) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The normalised column names and ``(line, {column: cell})`` per non-empty data row.

    The delimiter is ``,`` or ``;`` (whichever the header line holds more of; ``;`` files usually write
    decimal commas, which :func:`parse_decimal` accepts there)."""
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise FileError("The file is empty; the first line must name the columns") from None
    except csv.Error as exc:
        raise FileError(f"Line 1: {exc}") from None
    columns = [column_name(h, aliases=aliases) for h in header]
    if not any(columns):
        raise FileError("The first line must name the columns")
    seen: set[str] = set()
    for c in columns:
        if c and c in seen:
            raise FileError(f"Column {c} appears twice in the header")
        seen.add(c)
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileError(f"More than {MAX_ROWS} rows; split the file")
            cells = {c: v for c, v in zip(columns, record, strict=False) if c}
            if len(record) > len(columns) and any(v.strip() for v in record[len(columns) :]):
                cells["__extra__"] = "x"
            rows.append((start, cells))
    except csv.Error as exc:
        raise FileError(f"Line {line}: {exc}") from None
    return columns, rows


def _unescape(value: str) -> str:
    """Undo the export's formula guard: ``'=x`` → ``=x``."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


class _Cells:
    """Reads and checks the cells of one row, collecting errors instead of stopping at the first."""

    def __init__(self, line: int, cells: Mapping[str, str], *, decimal_comma: bool = False):
        self.line, self.cells, self.decimal_comma = line, cells, decimal_comma
        self.errors: list[RowError] = []

    def error(self, name: str | None, message: str) -> None:
        self.errors.append(RowError(self.line, name, message))

    def raw(self, name: str) -> str | None:
        value = self.cells.get(name)
        if value is None:
            return None
        value = _unescape(value.strip())
        return value or None

    def text(self, name: str, max_length: int, *, required: bool = False, clean: bool = False) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.error(name, "is required")
            return None
        if "\x00" in value:
            self.error(name, "contains a NUL character")
            return None
        if clean:
            value = material_rules.clean_text(value)
        if len(value) > max_length:
            self.error(name, f"is longer than {max_length} characters")
            return None
        return value

    def decimal(
        self, name: str, *, low: Decimal, high: Decimal, places: int, above_low: bool = False
    ) -> Decimal | None:
        value = self.raw(name)
        if value is None:
            return None
        number = parse_decimal(value, decimal_comma=self.decimal_comma)
        if number is None:
            self.error(name, f"is not a number: {value[:40]!r}")
            return None
        if (number <= low if above_low else number < low) or number > high:
            bound = f"above {low}" if above_low else f"at least {low}"
            self.error(name, f"must be {bound} and at most {high} (got {number})")
            return None
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            self.error(name, f"has more than {places} decimals")
            return None
        return number

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        number = self.decimal(name, low=Decimal(low), high=Decimal(high), places=0)
        return int(number) if number is not None else None

    def boolean(self, name: str) -> bool | None:
        value = self.raw(name)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        self.error(name, f"must be true or false (got {value[:20]!r})")
        return None

    def day(self, name: str) -> date | None:
        value = self.raw(name)
        if value is None:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(name, f"is not a date (YYYY-MM-DD): {value[:40]!r}")
        return parsed

    def color_hex(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        normalised = normalize_hex(value)
        if normalised is None:
            self.error(name, f"is not a colour like #FF8800: {value[:20]!r}")
        return normalised

    def material(self, name: str) -> str | None:
        value = self.text(name, material_rules.CODE_MAX_LENGTH, required=True)
        if value is None:
            return None
        if not re.match(material_rules.MATERIAL_CODE_PATTERN, value):
            self.error(name, "may hold only letters, digits, _, + and -")
            return None
        return material_rules.normalize_code(value)


def parse_decimal(value: str, *, decimal_comma: bool = False) -> Decimal | None:
    cleaned = value.strip().replace(" ", "").replace("\u00a0", "")
    if decimal_comma and "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", cleaned):
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern excludes it
        return None
    return number if number.is_finite() else None


def parse_date(value: str) -> date | None:
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def normalize_hex(value: str) -> str | None:
    """``ff8800``, ``#FF8800`` or ``FF8800CC`` (alpha dropped) → ``#FF8800``; None if not a colour."""
    match = COLOR_HEX.match(value.strip())
    return f"#{match.group(1).upper()}" if match else None


def _filament(cells: _Cells, *, diameter: bool = True) -> FilamentTypeIn | None:
    material = cells.material("material")
    brand = cells.text("brand", material_rules.BRAND_MAX_LENGTH, required=True, clean=True)
    color = cells.text("color_name", material_rules.COLOR_NAME_MAX_LENGTH, required=True, clean=True)
    color_hex = cells.color_hex("color_hex")
    diameter_mm = (
        cells.decimal("diameter_mm", low=Decimal(0), high=Decimal(10), places=2, above_low=True)
        if diameter
        else None
    )
    if material is None or brand is None or color is None:
        return None
    return FilamentTypeIn(
        line=cells.line,
        material=material,
        brand=brand,
        color_name=color,
        color_hex=color_hex,
        diameter_mm=diameter_mm,
    )


def _unknown_columns(columns: Sequence[str], known: Iterable[str]) -> list[str]:
    allowed = set(known)
    return [c for c in columns if c and c not in allowed]


def parse_filament_types(data: bytes) -> tuple[list[FilamentTypeIn], list[RowError]]:
    """Filament types from a CSV file (our export's columns); every bad row reported with line and field."""
    columns, records = read_csv(data)
    missing = [c for c in ("material", "brand", "color_name") if c not in columns]
    if missing:
        raise FileError(f"Missing column(s): {', '.join(missing)}")
    decimal_comma = _decimal_comma(data)
    rows: list[FilamentTypeIn] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    seen_ids: dict[str, int] = {}
    for line, record in records:
        cells = _Cells(line, record, decimal_comma=decimal_comma)
        if "__extra__" in record:
            cells.error(None, "has more cells than the header has columns")
        base = _filament(cells)
        finish = cells.text("finish", material_rules.FINISH_MAX_LENGTH)
        density = cells.decimal("density", low=Decimal(0), high=Decimal(30), places=3, above_low=True)
        extruder = cells.integer("extruder_temp", low=0, high=500)
        bed = cells.integer("bed_temp", low=0, high=500)
        min_stock = cells.decimal("min_stock_grams", low=Decimal(0), high=spool_rules.MAX_GRAMS, places=2)
        external_id = cells.text("external_id", 255)
        if base is not None:
            key = base.natural_key
            if key in seen:
                cells.error("color_name", f"the same material, brand and colour as line {seen[key]}")
            seen.setdefault(key, line)
        if external_id is not None:
            if external_id in seen_ids:
                cells.error("external_id", f"the same external_id as line {seen_ids[external_id]}")
            seen_ids.setdefault(external_id, line)
        if cells.errors or base is None:
            errors.extend(cells.errors)
            continue
        rows.append(
            FilamentTypeIn(
                line=line,
                material=base.material,
                brand=base.brand,
                color_name=base.color_name,
                color_hex=base.color_hex,
                finish=finish,
                diameter_mm=base.diameter_mm,
                density=density,
                extruder_temp=extruder,
                bed_temp=bed,
                min_stock_grams=min_stock,
                external_id=external_id,
            )
        )
    return rows, errors


def parse_spools(data: bytes) -> tuple[list[SpoolIn], list[RowError]]:
    """Spools from a CSV file (our export's columns). A row names its filament type by material, brand
    and colour; its key is ``code`` (a spool with that code is updated) or ``external_id``."""
    columns, records = read_csv(data)
    missing = [c for c in ("material", "brand", "color_name") if c not in columns]
    if missing:
        raise FileError(f"Missing column(s): {', '.join(missing)}")
    decimal_comma = _decimal_comma(data)
    rows: list[SpoolIn] = []
    errors: list[RowError] = []
    codes: dict[str, int] = {}
    external_ids: dict[str, int] = {}
    grams = {"low": Decimal(0), "high": spool_rules.MAX_GRAMS, "places": 2}
    for line, record in records:
        cells = _Cells(line, record, decimal_comma=decimal_comma)
        if "__extra__" in record:
            cells.error(None, "has more cells than the header has columns")
        filament = _filament(cells)
        code = cells.text("code", spool_rules.CODE_MAX_LENGTH)
        if code is not None and not SPOOL_CODE.match(code):
            cells.error("code", "may hold only letters, digits, _, . and -")
        external_id = cells.text("external_id", 255)
        initial = cells.decimal("initial_weight", **grams, above_low=True)  # type: ignore[arg-type]
        current = cells.decimal("current_weight", **grams)  # type: ignore[arg-type]
        tare = cells.decimal("empty_spool_weight", **grams)  # type: ignore[arg-type]
        price = cells.decimal("purchase_price", low=Decimal(0), high=Decimal(1_000_000), places=2)
        purchased = cells.day("purchase_date")
        supplier = cells.text("supplier", 200)
        location = cells.text("location", 100)
        lot = cells.text("lot_number", 100)
        notes = cells.text("notes", 2000)
        threshold = cells.decimal("low_stock_threshold_pct", low=Decimal(0), high=Decimal(100), places=2)
        archived = cells.boolean("archived")
        if code is not None:
            if code.upper() in codes:
                cells.error("code", f"the same code as line {codes[code.upper()]}")
            codes.setdefault(code.upper(), line)
        if external_id is not None:
            if external_id in external_ids:
                cells.error("external_id", f"the same external_id as line {external_ids[external_id]}")
            external_ids.setdefault(external_id, line)
        if (
            code is None
            and external_id is None
            and initial is None
            and "initial_weight" not in record_fields(cells)
        ):
            cells.error("initial_weight", "is required for a new spool (a row without code or external_id)")
        if initial is not None and current is not None and current > initial:
            cells.error("current_weight", f"is more than initial_weight ({current} > {initial})")
        if cells.errors or filament is None:
            errors.extend(cells.errors)
            continue
        rows.append(
            SpoolIn(
                line=line,
                filament=filament,
                code=code,
                external_id=external_id,
                initial_weight=initial,
                current_weight=current,
                empty_spool_weight=tare,
                purchase_price=price,
                purchase_date=purchased,
                supplier=supplier,
                location=location,
                lot_number=lot,
                notes=notes,
                low_stock_threshold_pct=threshold,
                archived=archived,
            )
        )
    return rows, errors


def record_fields(cells: _Cells) -> set[str | None]:
    """The fields that already have an error in this row."""
    return {e.field for e in cells.errors}


def _decimal_comma(data: bytes) -> bool:
    first = data.split(b"\n", 1)[0]
    return first.count(b";") > first.count(b",")


# --- writing -------------------------------------------------------------------------------------------


def cell(value: Any) -> str:
    """One exported cell: numbers plain (``1000.00``), dates ISO, booleans ``true``/``false``, text with
    a leading ``'`` when a spreadsheet would take it for a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """CSV lines (``\r\n``) of ``rows``, each cell through :func:`cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return buffer.getvalue()


def grams(value: Decimal) -> Decimal:
    return value.quantize(spool_rules.GRAMS_PLACES, rounding=ROUND_HALF_UP)
