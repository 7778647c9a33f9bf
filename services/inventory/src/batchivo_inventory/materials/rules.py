"""Pure rules of material and filament types. Only the stdlib."""

from __future__ import annotations

import re

CODE_MAX_LENGTH = 32
NAME_MAX_LENGTH = 100
BRAND_MAX_LENGTH = 100
COLOR_NAME_MAX_LENGTH = 100
FINISH_MAX_LENGTH = 50
COLOR_HEX_PATTERN = r"^#[0-9A-Fa-f]{6}$"
MATERIAL_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_+\-]*$"
DEFAULT_DIAMETER_MM = "1.75"

_SPACES = re.compile(r"\s+")


def normalize_code(code: str) -> str:
    """Material codes are upper-case (``pla+`` → ``PLA+``)."""
    return code.strip().upper()


def clean_text(value: str) -> str:
    """Trim and collapse inner whitespace of a name (so "Prusa  " and "Prusa" are one brand)."""
    return _SPACES.sub(" ", value.strip())
