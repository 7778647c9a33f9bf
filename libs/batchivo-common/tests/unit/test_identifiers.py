"""One normalisation of identifiers for the gateway's limits and auth's accounts."""

from __future__ import annotations

import pytest
from batchivo_common.identifiers import fullwidth, normalize_identifier


@pytest.mark.parametrize(
    "spelling",
    [
        "ada@example.com",
        "ADA@EXAMPLE.COM",
        " Ada@Example.com ",
        fullwidth("ada@example.com"),
        fullwidth("ADA") + "@example.com",
        "ada@" + fullwidth("e") + "xample.com",
    ],
)
def test_spellings_of_one_address_normalise_alike(spelling: str) -> None:
    assert normalize_identifier(spelling) == "ada@example.com"


def test_fullwidth_really_changes_the_characters() -> None:
    assert fullwidth("ada") != "ada"
    assert fullwidth("ada").casefold() != "ada"  # what the old case folding alone compared


def test_case_folding_is_unicode_caseless_matching() -> None:
    assert normalize_identifier("Stra\u00dfe@example.com") == normalize_identifier("STRASSE@example.com")
    assert normalize_identifier("\ufb01le@example.com") == "file@example.com"  # the "fi" ligature


def test_different_addresses_stay_different() -> None:
    assert normalize_identifier("ada@example.com") != normalize_identifier("ada2@example.com")
