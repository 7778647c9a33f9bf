"""Pure translations between Spoolman's API and the inventory (stdlib and ``decimal`` only).

- Ids: a spool's id is the number of its generated code (``FIL-042`` ↔ 42); a filament's is
  ``filament_types.spoolman_id``; a vendor (a brand name) gets a number derived from its name
  (:func:`vendor_id`), stable as long as the name is.
- Lengths: ``grams = pi·(d/2)²·length·density / 1000`` (d and length in mm, density in g/cm³: mm³ → cm³).
- Spoolman's ``use`` semantics on our ledger (:func:`plan_use`) and its ``measure`` (:func:`measured_net`).
- Spoolman's list query language: comma-separated terms, ``"exact"`` terms, the empty term for "not set"
  (:func:`parse_terms`), integer id lists (:func:`parse_ids`) and ``field:asc,field:desc`` sorts
  (:func:`parse_sort`).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from batchivo_inventory.spools import rules

#: g/cm³ when neither the filament type nor its material has a density (PLA's; Spoolman's own default).
DEFAULT_DENSITY = Decimal("1.24")
_PI = Decimal(math.pi)
_MM3_PER_CM3 = Decimal(1000)
#: The largest id a spool code can map to (``spools.code_number`` is a bigint).
MAX_ID = 2**63 - 1


class QueryError(ValueError):
    """A list parameter Spoolman's grammar does not allow (HTTP 400)."""


# --- ids ------------------------------------------------------------------------------------------------


def spool_id(code: str) -> int | None:
    """The Spoolman id of a spool code: ``FIL-042`` → 42. None for a code a person chose (``SHELF-A1``) and
    for a non-canonical spelling of a number (``FIL-42``, ``FIL-0042``): only the code :func:`spool_code`
    gives back maps to an id, so an id names exactly one spool."""
    number = rules.parse_code(code)
    if number is None or number < 1 or rules.format_code(number) != code:
        return None
    return number


def spool_code(spool_id: int) -> str | None:
    """The spool code of a Spoolman id (42 → ``FIL-042``); None for an id no code can have (0, negatives)."""
    if spool_id < 1 or spool_id > MAX_ID:
        return None
    return rules.format_code(spool_id)


def vendor_key(name: str) -> str:
    """Brands that differ only in case or surrounding spaces are one vendor."""
    return " ".join(name.split()).casefold()


def vendor_id(name: str) -> int:
    """A stable positive 31-bit id for a brand name (the first bytes of its SHA-256, never 0)."""
    digest = hashlib.sha256(vendor_key(name).encode()).digest()
    return (int.from_bytes(digest[:4], "big") & 0x7FFFFFFF) or 1


# --- lengths and weights --------------------------------------------------------------------------------


def density_of(filament_density: Decimal | None, material_density: Decimal | None) -> Decimal:
    if filament_density is not None and filament_density > 0:
        return filament_density
    if material_density is not None and material_density > 0:
        return material_density
    return DEFAULT_DENSITY


def grams_from_length(length_mm: Decimal, diameter_mm: Decimal, density: Decimal) -> Decimal:
    """Unrounded grams of ``length_mm`` of filament: pi·(d/2)²·length mm³ · density g/cm³ / 1000 mm³/cm³."""
    radius = diameter_mm / 2
    return _PI * radius * radius * length_mm * density / _MM3_PER_CM3


def length_from_grams(grams: Decimal, diameter_mm: Decimal, density: Decimal) -> float:
    """Millimetres of filament weighing ``grams`` (the inverse of :func:`grams_from_length`)."""
    radius = diameter_mm / 2
    return float(grams * _MM3_PER_CM3 / (density * _PI * radius * radius))


def to_grams(value: float) -> Decimal:
    """A JSON number of grams → Decimal grams, rounded half-up to the ledger's 0.01 g."""
    try:
        return rules.grams(Decimal(str(value)))
    except InvalidOperation:
        raise QueryError(f"Not a number of grams: {value}") from None


def used_weight(initial: Decimal, current: Decimal) -> Decimal:
    """Spoolman's ``used_weight``: what left the spool, never negative."""
    return max(initial - current, Decimal(0))


@dataclass(frozen=True, slots=True)
class UsePlan:
    """The ledger rows one Spoolman ``use`` books (each may be 0 = no row)."""

    #: ``adjustment`` +discrepancy first, when the use is more than the record holds (domain.md §2).
    discrepancy: Decimal
    #: ``usage`` of -consumed.
    consumed: Decimal
    #: ``return`` +refund: a negative use gives filament back, up to the initial weight.
    refund: Decimal

    @property
    def empty(self) -> bool:
        return not (self.discrepancy or self.consumed or self.refund)


def plan_use(current: Decimal, initial: Decimal, grams: Decimal) -> UsePlan:
    """Spoolman's ``use`` on our ledger.

    Spoolman adds ``grams`` to ``used_weight`` and clamps ``used_weight`` at 0; it never refuses a use.
    - ``grams > 0``: usage, booked in full like a print's (the filament was extruded): more than the spool
      holds books a ``discrepancy`` adjustment first and the spool ends at 0.
    - ``grams < 0``: filament given back (a retraction counted twice, an undo), a ``return`` of at most what
      brings the spool back to its initial weight (Spoolman's ``used_weight`` cannot go below 0).
    - ``grams == 0``: nothing.
    """
    if grams > 0:
        booking = rules.split_consumption(current, grams)
        return UsePlan(discrepancy=booking.discrepancy, consumed=booking.consumed, refund=Decimal(0))
    if grams < 0:
        refund = min(-grams, max(initial - current, Decimal(0)))
        return UsePlan(discrepancy=Decimal(0), consumed=Decimal(0), refund=refund)
    return UsePlan(discrepancy=Decimal(0), consumed=Decimal(0), refund=Decimal(0))


def measured_net(gross: Decimal, tare: Decimal | None, initial: Decimal) -> Decimal:
    """Spoolman's ``measure``: the spool on a scale (``gross`` g) less the empty spool's weight gives the
    filament left, clamped to [0, initial] as Spoolman clamps ``used_weight`` to [0, initial]."""
    net = rules.grams(gross - (tare or Decimal(0)))
    return min(max(net, Decimal(0)), initial)


# --- colours --------------------------------------------------------------------------------------------


def color_out(color_hex: str | None) -> str | None:
    """``#FF8800`` → ``FF8800`` (Spoolman's colours have no ``#``)."""
    return color_hex[1:].upper() if color_hex else None


def color_in(value: str | None) -> str | None:
    """Spoolman's ``RRGGBB`` or ``RRGGBBAA`` (alpha dropped: we store no alpha) → ``#RRGGBB``."""
    if value is None or value == "":
        return None
    text = value.strip().lstrip("#")
    if len(text) not in (6, 8) or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise QueryError(f"Not a colour: {value!r}; expected RRGGBB or RRGGBBAA")
    return f"#{text[:6].upper()}"


# --- the list query language ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Terms:
    """One string filter: any of ``partial`` (case-insensitive substring), ``exact`` (case-insensitive whole
    value) or, with ``unset``, no value at all."""

    partial: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    unset: bool = False


def parse_terms(raw: str | None) -> Terms | None:
    """Spoolman's string filter: comma-separated terms, each a substring (any case), a whole value in double
    quotes (``"PLA"``), or empty (no value set). None when the parameter is absent."""
    if raw is None:
        return None
    partial: list[str] = []
    exact: list[str] = []
    unset = False
    for part in raw.split(","):
        term = part.strip()
        if len(term) >= 2 and term.startswith('"') and term.endswith('"'):
            exact.append(term[1:-1])
        elif term == "":
            unset = True
        else:
            partial.append(term)
    return Terms(partial=tuple(partial), exact=tuple(exact), unset=unset)


def parse_ids(raw: str | None, name: str) -> tuple[int, ...] | None:
    """Comma-separated integer ids (``1,2``); None when absent; :class:`QueryError` for anything else."""
    if raw is None:
        return None
    try:
        return tuple(int(part) for part in raw.split(","))
    except ValueError:
        raise QueryError(f"Invalid {name}: {raw!r}; expected comma-separated integers") from None


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    descending: bool


def parse_sort(raw: str | None, allowed: frozenset[str]) -> tuple[SortKey, ...]:
    """``field:asc,field2:desc`` (the direction may be omitted: ascending). Unknown fields and directions
    are refused (Spoolman answers them with a server error; we say why)."""
    if raw is None or raw.strip() == "":
        return ()
    keys: list[SortKey] = []
    for item in raw.split(","):
        field, _, direction = item.strip().partition(":")
        direction = direction.strip().lower() or "asc"
        if field not in allowed:
            raise QueryError(f"Cannot sort by {field!r}; sortable: {', '.join(sorted(allowed))}")
        if direction not in ("asc", "desc"):
            raise QueryError(f"Invalid sort direction {direction!r}; expected asc or desc")
        keys.append(SortKey(field, direction == "desc"))
    return tuple(keys)


def grams_out(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def matches(value: str | None, terms: Terms) -> bool:
    """:class:`Terms` on one value in Python (what ``repository.terms_clause`` says in SQL)."""
    if value is None or value == "":
        return terms.unset
    folded = value.casefold()
    return any(t.casefold() in folded for t in terms.partial) or any(
        t.casefold() == folded for t in terms.exact
    )


# --- settings -------------------------------------------------------------------------------------------

#: Spoolman's settings (key → type, default as JSON text), as its ``settings.py`` registers them for the API
#: version this surface follows. Served read-only: only ``currency`` comes from the shop.
SETTINGS: dict[str, tuple[str, str]] = {
    "currency": ("string", json.dumps("EUR")),
    "round_prices": ("boolean", json.dumps(False)),
    "print_presets": ("array", json.dumps([])),
    "extra_fields_vendor": ("array", json.dumps([])),
    "extra_fields_filament": ("array", json.dumps([])),
    "extra_fields_spool": ("array", json.dumps([])),
    "base_url": ("string", json.dumps("")),
    "locations": ("array", json.dumps([])),
    "locations_spoolorders": ("object", json.dumps({})),
}


def settings_out(currency_code: str | None) -> dict[str, dict[str, Any]]:
    """Every setting as Spoolman's ``GET /setting/`` answers it: ``{key: {"value": <JSON text>, "is_set",
    "type"}}``, defaults unset; ``currency`` is the shop's when it saved one."""
    out = {
        key: {"value": default, "is_set": False, "type": kind} for key, (kind, default) in SETTINGS.items()
    }
    if currency_code:
        out["currency"] = {"value": json.dumps(currency_code), "is_set": True, "type": "string"}
    return out
