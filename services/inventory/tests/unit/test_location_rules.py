"""Pure rules of locations: names, their keys and the prefix range of the location filter."""

from __future__ import annotations

from batchivo_inventory.locations import rules


def test_names_are_trimmed_with_inner_spaces_collapsed() -> None:
    assert rules.clean_name("  Shelf   A \t") == "Shelf A"
    assert rules.name_key("  shelf  a") == rules.name_key("SHELF A")


def test_the_key_range_holds_every_name_starting_with_the_value_in_any_case() -> None:
    low, high = rules.key_range("  Shelf ")
    keys = [name.lower() for name in ("Shelf A", "shelf b", "SHELF", "Shelfie")]
    assert all(low <= key < high for key in keys)
    assert not any(low <= key < high for key in ("shel", "rack shelf", "sheld", "shelg"))
    exact, _ = rules.key_range("shelf  A")
    assert exact == "shelf a"


def test_nothing_in_the_value_is_a_wildcard() -> None:
    low, high = rules.key_range("rack_")
    assert low <= "rack_1" < high
    assert not low <= "rackx1" < high
    assert rules.like_prefix("50%_off\\") == "50\\%\\_off\\\\%"
