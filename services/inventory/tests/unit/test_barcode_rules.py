"""Retail code check digits and the stored form (pure rules)."""

from __future__ import annotations

import pytest
from batchivo_inventory.barcodes.rules import (
    InvalidRetailCode,
    gtin_check_digit,
    is_retail_code,
    normalize_retail_code,
)


@pytest.mark.parametrize(
    ("body", "digit"),
    [
        ("400638133393", 1),  # EAN-13 4006381333931
        ("590123412345", 7),  # EAN-13 5901234123457
        ("03600029145", 2),  # UPC-A 036000291452
        ("9638507", 4),  # EAN-8 96385074
        ("000000000000", 0),
    ],
)
def test_check_digit(body: str, digit: int) -> None:
    assert gtin_check_digit(body) == digit


def test_an_ean13_is_kept_as_is_and_separators_are_dropped() -> None:
    assert normalize_retail_code("4006381333931") == "4006381333931"
    assert normalize_retail_code(" 4 006381 333931 ") == "4006381333931"
    assert normalize_retail_code("400-6381-333931") == "4006381333931"


def test_a_upc_a_becomes_its_ean13_form_so_both_spellings_match() -> None:
    assert normalize_retail_code("036000291452") == "0036000291452"
    assert normalize_retail_code("0036000291452") == "0036000291452"


def test_an_ean8_is_kept_with_8_digits() -> None:
    assert normalize_retail_code("96385074") == "96385074"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("4006381333932", "check digit"),  # last digit off by one
        ("4006381333913", "check digit"),  # two digits swapped
        ("036000291453", "check digit"),
        ("96385075", "check digit"),
        ("40063813339", "digits"),  # 11 digits
        ("40063813339310", "digits"),  # 14 digits
        ("FIL-001", "only digits"),
        (
            "\uff14\uff10\uff10\uff16\uff13\uff18\uff11\uff13\uff13\uff13\uff19\uff13\uff11",
            "only digits",
        ),  # full-width
        ("", "digits"),
    ],
)
def test_invalid_codes_say_why(raw: str, reason: str) -> None:
    with pytest.raises(InvalidRetailCode, match=reason):
        normalize_retail_code(raw)
    assert is_retail_code(raw) is False


def test_is_retail_code() -> None:
    assert is_retail_code("5901234123457") is True
