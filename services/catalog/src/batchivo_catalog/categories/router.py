"""``/api/v1/categories``: the tenant's product categories (read: viewer+), rename or merge (member+)."""

from __future__ import annotations

from typing import Annotated

from batchivo_common.pagination import Page
from fastapi import APIRouter, Path

from batchivo_catalog.categories.schemas import CategoryRead, CategoryRename, CategoryRenamed
from batchivo_catalog.deps import CategoryServiceDep, MemberDep, ViewerDep

router = APIRouter(prefix="/categories", tags=["categories"])


@router.get("", response_model=Page[CategoryRead])
async def list_categories(principal: ViewerDep, service: CategoryServiceDep) -> Page[CategoryRead]:
    """Every category name used by the tenant's products, by name, with its number of products (the
    whole list in one page: a shop has tens of categories, not thousands)."""
    items = await service.list(principal)
    return Page(items=items, total=len(items), limit=len(items), offset=0)


@router.patch("/{name}", response_model=CategoryRenamed)
async def rename_category(
    name: Annotated[str, Path(min_length=1, max_length=64)],
    body: CategoryRename,
    principal: MemberDep,
    service: CategoryServiceDep,
) -> CategoryRenamed:
    """Rename the category on every product that has it; renaming to a name already in use merges the
    two (a product that had both keeps it once). 404 when no product has ``name``."""
    return await service.rename(principal, name, body.name)
