"""Pure rules of locations and the spools' history. Only the stdlib."""

from __future__ import annotations

import re
from enum import StrEnum

_SPACES = re.compile(r"\s+")


class EventKind(StrEnum):
    """What ``spool_events`` records: things that happen to a spool without changing its weight."""

    moved = "moved"
    archived = "archived"
    restored = "restored"


def clean_name(value: str) -> str:
    """Trim and collapse inner whitespace ("  Shelf   A " → "Shelf A")."""
    return _SPACES.sub(" ", value.strip())


def name_key(value: str) -> str:
    """What makes two names the same location: case and spacing do not count ("shelf a" is "Shelf A")."""
    return clean_name(value).casefold()


#: Above every character a name can hold: a key starting with ``p`` sorts below ``p + _TOP`` in byte order.
_TOP = "\U0010ffff"


def key_range(value: str) -> tuple[str, str]:
    """The keys (``lower(location)``, byte order) of the names starting with ``value``, any case and spacing:
    ``low <= key < high``; an exact match is ``key == low``. Nothing in the value is a wildcard."""
    low = clean_name(value).lower()
    return low, low + _TOP


def like_prefix(value: str) -> str:
    r"""A ``LIKE`` pattern (escape ``\``) matching what starts with ``value``, lower-cased, literally."""
    lowered = clean_name(value).lower()
    escaped = lowered.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"
