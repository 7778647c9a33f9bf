"""Use cases of products and bundles: CRUD with the cycle/depth check, costs over the bundle tree, prices
per channel, assembly from model stock; every change publishes the product's state."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from batchivo_common.auth.tokens import Principal
from batchivo_common.contracts.catalog import ModelQuantity, ProductStateV1
from batchivo_common.errors import AppError, Conflict, NotFound
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import add_event
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog import costing
from batchivo_catalog.channels.repository import ChannelPrice
from batchivo_catalog.channels.service import ChannelService
from batchivo_catalog.db import outbox
from batchivo_catalog.models.models import Model, StockMovement
from batchivo_catalog.models.repository import ModelRepository
from batchivo_catalog.models.service import InsufficientStock, ModelService, ModelSummary, summaries
from batchivo_catalog.products import rules
from batchivo_catalog.products.models import Product, ProductChild, ProductModel
from batchivo_catalog.products.reads import (
    ChildProduct,
    CostInputs,
    ProductFields,
    cost_inputs,
    parse_inputs,
)
from batchivo_catalog.products.repository import Duplicate, PartLine, ProductRepository
from batchivo_catalog.sql import among

PRODUCER = "catalog"


class UnknownReference(AppError):
    status_code, code = 422, "VALIDATION_ERROR"


@dataclass(frozen=True, slots=True)
class ChildView:
    product: ProductFields | ChildProduct
    quantity: int
    make_cost: Decimal


@dataclass(frozen=True, slots=True)
class ProductView:
    product: ProductFields
    models: list[tuple[PartLine, ModelSummary | None]]
    children: list[ChildView]
    cost: costing.ProductCost
    uncosted_lines: list[uuid.UUID]
    actual_make_cost: Decimal | None
    variance_pct: Decimal | None
    channels: list[tuple[ChannelPrice, costing.ChannelResult]] = field(default_factory=list)


#: The order of a products export page (``ix_products_tenant_id_created_at`` serves it).
EXPORT_KEY = (Product.created_at, Product.id)


class ProductService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.repo = ProductRepository(session)
        self.model_service = ModelService(session)
        self.model_repo = ModelRepository(session)
        self.channels = ChannelService(session)

    # --- reads ----------------------------------------------------------------------------------------
    async def views(
        self, tenant_id: uuid.UUID, roots: Sequence[ProductFields], found: CostInputs | None = None
    ) -> list[ProductView]:
        """Cost ``roots`` with their bundle trees, from ``found`` (read along with a list page) or from one
        cost read: statements bounded by the depth, not the page size."""
        if not roots:
            return []
        if found is None:
            found = await cost_inputs(self.session, tenant_id, [p.id for p in roots])
        products: dict[uuid.UUID, ProductFields | ChildProduct] = {**found.children_products}
        products.update((p.id, p) for p in roots)
        models, children = found.models, found.children
        rates = await self.model_service.materials.rates(tenant_id)
        model_views = summaries(found.heads, found.boms, found.components, rates)
        shapes = {
            str(pid): costing.ProductShape(
                models=[(str(r.model_id), r.quantity) for r in models.get(pid, [])],
                children=[
                    (str(r.child_product_id), r.quantity)
                    for r in children.get(pid, [])
                    if r.child_product_id in products
                ],
                packaging_cost=Decimal(p.packaging_cost),
                assembly_minutes=Decimal(p.assembly_minutes),
            )
            for pid, p in products.items()
        }
        costs = costing.product_costs(shapes, {str(mid): v.cost for mid, v in model_views.items()}, rates)
        sixty = Decimal(60)
        actual_inputs = {str(mid): v.actual_unit_cost for mid, v in model_views.items()}
        packaging = {k: s.packaging_cost for k, s in shapes.items()}
        assembly = {k: s.assembly_minutes / sixty * rates.labor_rate_per_hour for k, s in shapes.items()}
        prices = found.prices

        def uncosted(pid: uuid.UUID, seen: set[uuid.UUID]) -> set[uuid.UUID]:
            if pid in seen:
                return set()
            seen.add(pid)
            found: set[uuid.UUID] = set()
            for row in models.get(pid, []):
                view = model_views.get(row.model_id)
                if view is not None:
                    found.update(uuid.UUID(k) for k in view.cost.uncosted_lines)
            for child in children.get(pid, []):
                found |= uncosted(child.child_product_id, seen)
            return found

        shape_models = {k: list(s.models) for k, s in shapes.items()}
        shape_children = {k: list(s.children) for k, s in shapes.items()}
        result = []
        for p in roots:
            key = str(p.id)
            cost = costs[key]
            actual = rules.actual_make_cost(
                key,
                shape_models,
                shape_children,
                packaging,
                assembly,
                actual_inputs,
            )
            result.append(
                ProductView(
                    product=p,
                    models=[(row, model_views.get(row.model_id)) for row in models.get(p.id, [])],
                    children=[
                        ChildView(
                            products[r.child_product_id], r.quantity, costs[str(r.child_product_id)].make_cost
                        )
                        for r in children.get(p.id, [])
                        if r.child_product_id in products
                    ],
                    cost=cost,
                    uncosted_lines=sorted(uncosted(p.id, set()), key=str),
                    actual_make_cost=actual,
                    variance_pct=None if actual is None else costing.variance_pct(actual, cost.make_cost),
                    channels=[
                        (
                            price,
                            costing.channel_result(
                                Decimal(price.price),
                                cost.make_cost,
                                costing.ChannelTerms(Decimal(price.fee_pct), Decimal(price.fixed_fee)),
                            ),
                        )
                        for price in prices.get(p.id, [])
                    ],
                )
            )
        return result

    async def page(self, principal: Principal, **query: Any) -> tuple[list[ProductView], int]:
        products, total, rates, inputs = await self.repo.page(principal.tenant_id, **query)
        if rates is not None:
            self.model_service.materials.know_rates(principal.tenant_id, rates)
        # Rows carry the columns of ``ProductFields`` by name (``PAGE_COLUMNS``), and the first one the
        # page's cost read.
        roots = cast(Sequence[ProductFields], products)
        found = parse_inputs(inputs) if products else None
        return await self.views(principal.tenant_id, roots, found), total

    def export_query(self, principal: Principal) -> Select[Product]:
        """Every product of the shop, for a keyset export (key: :data:`EXPORT_KEY`)."""
        return self.repo.export_query(principal.tenant_id)

    async def get(self, principal: Principal, product_id: uuid.UUID) -> ProductView:
        product = await self._own(principal.tenant_id, product_id)
        return (await self.views(principal.tenant_id, [product]))[0]

    async def _own(self, tenant_id: uuid.UUID, product_id: uuid.UUID, *, lock: bool = False) -> Product:
        product = await self.repo.get(tenant_id, product_id, lock=lock)
        if product is None:
            raise NotFound("Product not found")
        return product

    # --- writes ---------------------------------------------------------------------------------------
    async def _check_parts(
        self,
        tenant_id: uuid.UUID,
        product_id: uuid.UUID,
        models: list[dict[str, Any]] | None,
        children: list[dict[str, Any]] | None,
    ) -> None:
        if models is not None:
            ids = [m["model_id"] for m in models]
            if len(set(ids)) != len(ids):
                raise UnknownReference("models: a model may be listed once; change its quantity instead")
            live = await self.model_repo.live_ids(tenant_id, ids)
            for index, mid in enumerate(ids):
                if mid not in live:
                    raise UnknownReference(f"models[{index}].model_id: unknown model {mid}")
        if children is not None:
            ids = [c["product_id"] for c in children]
            if len(set(ids)) != len(ids):
                raise UnknownReference("children: a product may be listed once; change its quantity instead")
            known = await self.repo.existing(tenant_id, ids)
            for index, cid in enumerate(ids):
                if cid not in known and cid != product_id:
                    raise UnknownReference(f"children[{index}].product_id: unknown product {cid}")
            # Serialise bundle edits of one tenant so two concurrent edits cannot close a loop together.
            await self.session.execute(
                select(func.pg_advisory_xact_lock(func.hashtextextended(f"catalog.bundles.{tenant_id}", 0)))
            )
            graph = await self.repo.children_graph(tenant_id)
            graph[product_id] = ids
            names = await self._skus(tenant_id, set(graph) | {c for cs in graph.values() for c in cs})
            try:
                costing.check_bundle(str(product_id), {str(k): [str(c) for c in v] for k, v in graph.items()})
            except (costing.BundleCycle, costing.BundleTooDeep) as err:
                path = [names.get(uuid.UUID(k), k) for k in err.path]
                raise Conflict(
                    rules.loop_message(path, too_deep=isinstance(err, costing.BundleTooDeep))
                ) from None

    async def _skus(self, tenant_id: uuid.UUID, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Product.id, Product.sku).where(
                Product.tenant_id == tenant_id, among(Product.id, list(ids))
            )
        )
        return {pid: sku for pid, sku in rows}

    def _model_rows(
        self, tenant_id: uuid.UUID, product_id: uuid.UUID, lines: list[dict[str, Any]]
    ) -> list[ProductModel]:
        return [
            ProductModel(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                product_id=product_id,
                model_id=m["model_id"],
                quantity=m["quantity"],
            )
            for m in lines
        ]

    def _child_rows(
        self, tenant_id: uuid.UUID, product_id: uuid.UUID, lines: list[dict[str, Any]]
    ) -> list[ProductChild]:
        return [
            ProductChild(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                product_id=product_id,
                child_product_id=c["product_id"],
                quantity=c["quantity"],
            )
            for c in lines
        ]

    async def create(self, principal: Principal, fields: dict[str, Any]) -> ProductView:
        tenant_id = principal.tenant_id
        models = fields.pop("models")
        children = fields.pop("children")
        fields["sku"] = fields["sku"].strip().upper()
        product_id = uuid.uuid4()
        await self._check_parts(tenant_id, product_id, models, children)
        if await self.repo.sku_taken(tenant_id, fields["sku"]):
            raise Conflict(f"A product with SKU {fields['sku']} already exists")
        product = Product(id=product_id, tenant_id=tenant_id, version=1, units_in_stock=0, **fields)
        self.session.add(product)
        try:
            await self.repo.flush()
        except Duplicate:
            raise Conflict(f"A product with SKU {fields['sku']} already exists") from None
        self.session.add_all(self._model_rows(tenant_id, product.id, models))
        self.session.add_all(self._child_rows(tenant_id, product.id, children))
        await self.session.flush()
        await self.session.refresh(product)
        return await self._changed(product, "catalog.product.created.v1", bump=False)

    async def update(
        self, principal: Principal, product_id: uuid.UUID, changes: dict[str, Any]
    ) -> ProductView:
        tenant_id = principal.tenant_id
        product = await self._own(tenant_id, product_id, lock=True)
        models = changes.pop("models", None)
        children = changes.pop("children", None)
        await self._check_parts(tenant_id, product.id, models, children)
        if changes.get("sku") is not None:
            changes["sku"] = changes["sku"].strip().upper()
            if await self.repo.sku_taken(tenant_id, changes["sku"], exclude=product.id):
                raise Conflict(f"A product with SKU {changes['sku']} already exists")
        for name, value in changes.items():
            if value is None and name not in ("description",):
                continue
            setattr(product, name, value)
        try:
            await self.repo.flush()
        except Duplicate:
            raise Conflict(f"A product with SKU {product.sku} already exists") from None
        if models is not None:
            await self.repo.replace_models(product.id, self._model_rows(tenant_id, product.id, models))
        if children is not None:
            await self.repo.replace_children(product.id, self._child_rows(tenant_id, product.id, children))
        return await self._changed(product, "catalog.product.updated.v1")

    async def delete(self, principal: Principal, product_id: uuid.UUID) -> None:
        product = await self._own(principal.tenant_id, product_id, lock=True)
        parents = await self.repo.parents_of(principal.tenant_id, product.id)
        if parents:
            raise Conflict(f"Product {product.sku} is part of {', '.join(sorted(parents))}", code="IN_USE")
        _, models, _ = await self.repo.trees(principal.tenant_id, [product])
        await self._publish(product, "catalog.product.deleted.v1", models.get(product.id, []))
        await self.session.delete(product)
        await self.session.flush()

    async def set_price(
        self, principal: Principal, product_id: uuid.UUID, channel_id: uuid.UUID, price: Decimal
    ) -> ProductView:
        product = await self._own(principal.tenant_id, product_id)
        await self.channels.set_price(principal, product.id, channel_id, price)
        return (await self.views(principal.tenant_id, [product]))[0]

    async def remove_price(self, principal: Principal, product_id: uuid.UUID, channel_id: uuid.UUID) -> None:
        product = await self._own(principal.tenant_id, product_id)
        await self.channels.remove_price(principal, product.id, channel_id)

    async def next_sku(self, principal: Principal, prefix: str) -> str:
        clean = prefix.strip().upper()
        taken = [
            *await self.repo.skus(principal.tenant_id, clean),
            *await self.model_repo.skus(principal.tenant_id, clean),
        ]
        return costing.next_sku(clean, taken)

    async def movements(
        self, principal: Principal, product_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[StockMovement], int]:
        await self._own(principal.tenant_id, product_id)
        return await self.model_repo.movements(
            principal.tenant_id, product_id=product_id, limit=limit, offset=offset
        )

    # --- stock ----------------------------------------------------------------------------------------
    async def assemble(self, principal: Principal, product_id: uuid.UUID, quantity: int) -> ProductView:
        """Move model units into the product's stock; all or nothing (409 names the short models)."""
        tenant_id = principal.tenant_id
        product = await self._own(tenant_id, product_id, lock=True)
        _, models, _ = await self.repo.trees(tenant_id, [product])
        recipe = [(row.model_id, row.quantity) for row in models.get(product.id, [])]
        if not recipe:
            raise Conflict(f"Product {product.sku} has no models to assemble")
        ids = sorted({mid for mid, _ in recipe})
        locked = list(
            await self.session.scalars(
                select(Model)
                .where(Model.tenant_id == tenant_id, among(Model.id, ids))
                .order_by(Model.id)
                .with_for_update()
            )
        )
        stock = {str(m.id): m.units_in_stock for m in locked}
        names = {str(m.id): m.sku for m in locked}
        plan, short = costing.plan_assembly(quantity, [(str(k), n) for k, n in recipe], stock)
        if short:
            detail = ", ".join(
                f"{names.get(s.key, s.key)} (needs {s.needed}, has {s.available})" for s in short
            )
            raise InsufficientStock(
                f"Not enough units in stock to assemble {quantity} x {product.sku}: {detail}"
            )
        reason = f"assemble {quantity} x {product.sku}"
        for key, takes in plan.takes.items():
            moved = await self.model_repo.move_model_stock(
                tenant_id, uuid.UUID(key), -takes, kind="assemble", reason=reason, actor_id=principal.user_id
            )
            if moved is None:  # pragma: no cover - the rows are locked above
                raise InsufficientStock(f"Not enough units of {names.get(key, key)}")
        await self.repo.move_stock(
            tenant_id, product.id, quantity, kind="assemble", reason=reason, actor_id=principal.user_id
        )
        await self.session.refresh(product)
        return (await self.views(tenant_id, [product]))[0]

    async def adjust_stock(
        self, principal: Principal, product_id: uuid.UUID, delta: int, reason: str
    ) -> ProductView:
        product = await self._own(principal.tenant_id, product_id)
        moved = await self.repo.move_stock(
            principal.tenant_id,
            product.id,
            delta,
            kind="adjustment",
            reason=reason,
            actor_id=principal.user_id,
        )
        if moved is None:
            raise InsufficientStock(f"Product {product.sku} has fewer than {-delta} units in stock")
        await self.session.refresh(product)
        return (await self.views(principal.tenant_id, [product]))[0]

    # --- events ---------------------------------------------------------------------------------------
    async def _changed(self, product: Product, event_type: str, *, bump: bool = True) -> ProductView:
        if bump:
            product.version = product.version + 1
            product.updated_at = func.now()
            await self.session.flush()
            await self.session.refresh(product)
        view = (await self.views(product.tenant_id, [product]))[0]
        await self._publish(product, event_type, [row for row, _ in view.models])
        return view

    async def _publish(self, product: Product, event_type: str, models: Sequence[PartLine]) -> None:
        await publish_state(
            self.session,
            event_type,
            tenant_id=product.tenant_id,
            product_id=product.id,
            sku=product.sku,
            name=product.name,
            is_active=product.is_active,
            version=product.version + (1 if event_type.endswith("deleted.v1") else 0),
            models=models,
        )


async def publish_state(
    session: AsyncSession,
    event_type: str,
    *,
    tenant_id: uuid.UUID,
    product_id: uuid.UUID,
    sku: str,
    name: str,
    is_active: bool,
    version: int,
    models: Sequence[PartLine],
) -> None:
    """Put a ``catalog.product.*`` event with the product's full state in the outbox of this transaction."""
    state = ProductStateV1(
        product_id=product_id,
        sku=sku,
        name=name,
        is_active=is_active,
        models=[ModelQuantity(model_id=row.model_id, quantity=row.quantity) for row in models],
    )
    await add_event(
        session,
        outbox,
        new_event(
            event_type,
            producer=PRODUCER,
            tenant_id=tenant_id,
            data=state,
            aggregate_id=product_id,
            aggregate_version=version,
        ),
    )
