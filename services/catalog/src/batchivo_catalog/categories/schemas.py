"""Bodies of ``/api/v1/categories``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

CategoryName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class CategoryRead(BaseModel):
    name: str
    product_count: int


class CategoryRename(BaseModel):
    """``name``: the new name; when another category already has it, the two are merged."""

    model_config = ConfigDict(extra="forbid")
    name: CategoryName


class CategoryRenamed(CategoryRead):
    """The category under its new name, and how many products the rename changed."""

    renamed_products: int
    merged: bool
