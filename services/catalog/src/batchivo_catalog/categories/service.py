"""Use cases of categories: the tenant's names with product counts; rename or merge one name on every
product that carries it (each changed product's version moves on and its state is published)."""

from __future__ import annotations

from batchivo_common.auth.tokens import Principal
from batchivo_common.errors import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.categories import rules
from batchivo_catalog.categories.repository import CategoryRepository
from batchivo_catalog.categories.schemas import CategoryRead, CategoryRenamed
from batchivo_catalog.products.repository import ProductRepository
from batchivo_catalog.products.service import publish_state


class CategoryService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.repo = CategoryRepository(session)
        self.products = ProductRepository(session)

    async def list(self, principal: Principal) -> list[CategoryRead]:
        return [CategoryRead(name=n, product_count=c) for n, c in await self.repo.counts(principal.tenant_id)]

    async def rename(self, principal: Principal, old: str, new: str) -> CategoryRenamed:
        tenant_id = principal.tenant_id
        tagged = await self.repo.tagged(tenant_id, old)
        if not tagged:
            raise NotFound(f"No product has the category {old!r}")
        merged = new != old and await self.repo.count(tenant_id, new) > 0
        changes = [(p, rules.renamed(p.categories, old, new)) for p in tagged]
        changes = [(p, names) for p, names in changes if names != p.categories]
        await self.repo.set_categories([(p.id, names) for p, names in changes])
        models = await self.products.model_lines([p.id for p, _ in changes])
        for p, _ in changes:
            await publish_state(
                self.session,
                "catalog.product.updated.v1",
                tenant_id=tenant_id,
                product_id=p.id,
                sku=p.sku,
                name=p.name,
                is_active=p.is_active,
                version=p.version + 1,
                models=models.get(p.id, []),
            )
        return CategoryRenamed(
            name=new,
            product_count=await self.repo.count(tenant_id, new),
            renamed_products=len(changes),
            merged=merged,
        )
