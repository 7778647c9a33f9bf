"""Pure rules of category names: what a rename or merge does to one product's list."""

from __future__ import annotations

from collections.abc import Sequence


def renamed(categories: Sequence[str], old: str, new: str) -> list[str]:
    """``categories`` with ``old`` replaced by ``new`` in place; when the product already had ``new``
    (a merge), it is kept once, at the first of the two positions. Other names keep their order."""
    result: list[str] = []
    for name in categories:
        target = new if name == old else name
        if target not in result:
            result.append(target)
    return result
