"""Manufacturer retail codes (GTIN: EAN-13, UPC-A, EAN-8): the check digit and one stored form.

A UPC-A code is an EAN-13 code with a leading 0, so both spellings of one product are kept as the 13-digit
form and a scan of either finds the same filament type. Separators a person may type (spaces, hyphens) are
dropped; anything else that is not a digit makes the code invalid.
"""

from __future__ import annotations

import re

#: Lengths of the retail codes accepted: EAN-8, UPC-A, EAN-13.
GTIN_LENGTHS = (8, 12, 13)
_SEPARATORS = re.compile(r"[\s-]+")


class InvalidRetailCode(ValueError):
    """Not an EAN-13, UPC-A or EAN-8 code with a correct check digit; the message says why."""


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit of ``body`` (all digits but the last): weights 3, 1, 3, ... from the right."""
    if not body.isdigit():
        raise InvalidRetailCode("A retail code has only digits")
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def normalize_retail_code(raw: str) -> str:
    """The stored form of an EAN-13, UPC-A (as its 13-digit EAN form) or EAN-8 code.

    Raises ``InvalidRetailCode`` for other characters, another length or a wrong check digit.
    """
    code = _SEPARATORS.sub("", raw)
    if not code.isascii() or not code.isdigit():
        raise InvalidRetailCode("A retail code has only digits")
    if len(code) not in GTIN_LENGTHS:
        raise InvalidRetailCode("A retail code has 8 (EAN-8), 12 (UPC-A) or 13 (EAN-13) digits")
    if gtin_check_digit(code[:-1]) != int(code[-1]):
        raise InvalidRetailCode(f"The check digit of {code} is wrong: mistyped or misread")
    return "0" + code if len(code) == 12 else code


def is_retail_code(raw: str) -> bool:
    try:
        normalize_retail_code(raw)
    except InvalidRetailCode:
        return False
    return True
