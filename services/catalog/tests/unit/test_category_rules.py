"""Rename and merge of a category on one product's list (pure)."""

from __future__ import annotations

from batchivo_catalog.categories.rules import renamed


def test_rename_keeps_the_position_and_the_other_names() -> None:
    assert renamed(["gifts", "boxes", "small"], "boxes", "crates") == ["gifts", "crates", "small"]


def test_merge_keeps_the_target_once_at_the_first_position() -> None:
    assert renamed(["gifts", "boxes", "small"], "small", "gifts") == ["gifts", "boxes"]
    assert renamed(["boxes", "gifts"], "boxes", "gifts") == ["gifts"]


def test_a_list_without_the_name_is_unchanged() -> None:
    assert renamed(["gifts"], "boxes", "crates") == ["gifts"]
    assert renamed([], "boxes", "crates") == []


def test_renaming_to_itself_changes_nothing() -> None:
    assert renamed(["gifts", "boxes"], "gifts", "gifts") == ["gifts", "boxes"]
