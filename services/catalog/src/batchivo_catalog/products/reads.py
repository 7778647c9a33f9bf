"""Everything a page of products needs for its costs, read in one statement.

The bundle trees of the page (a recursive CTE, at most 21 levels), their model and child rows, the
models' costing columns with their actual-cost sums and their BOM lines and components nested (a line
does not repeat its model's id), the filament types the read model knows for those lines (once each),
and the page's list prices come back as one row of JSON arrays. Numbers are parsed as ``Decimal``
(``parse_float``), so the costs computed from them are exactly those from ORM rows. One round trip
instead of one per kind of row: on a busy host each round trip costs more than its SQL. Id sets are
matched with ``= any(array(select ...))`` so each lookup is an index scan (``in (select ...)`` over a
CTE was planned as a hash semi join over all of the tenant's rows; a constant id array as a sequential
scan of the tenant's prices).
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_catalog.channels.repository import ChannelPrice
from batchivo_catalog.costing import BomLine, Component, MaterialCost
from batchivo_catalog.models.repository import ModelHead
from batchivo_catalog.products.cost_sql import INPUTS
from batchivo_catalog.products.repository import ChildLine, PartLine


class ProductFields(Protocol):
    """What a product response shows of a product: an ORM ``Product`` or a plain row of a list page."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def sku(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str | None: ...
    @property
    def packaging_cost(self) -> Decimal: ...
    @property
    def assembly_minutes(self) -> Decimal: ...
    @property
    def categories(self) -> list[str]: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def units_in_stock(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class ChildProduct:
    """A product reached only as a bundle's child: what its parent shows and costs of it."""

    id: uuid.UUID
    sku: str
    name: str
    packaging_cost: Decimal
    assembly_minutes: Decimal


@dataclass
class CostInputs:
    children_products: dict[uuid.UUID, ChildProduct] = field(default_factory=dict)
    models: dict[uuid.UUID, list[PartLine]] = field(default_factory=lambda: defaultdict(list))
    children: dict[uuid.UUID, list[ChildLine]] = field(default_factory=lambda: defaultdict(list))
    heads: list[tuple[ModelHead, Decimal | None]] = field(default_factory=list)
    boms: dict[uuid.UUID, list[BomLine]] = field(default_factory=dict)
    components: dict[uuid.UUID, list[Component]] = field(default_factory=dict)
    prices: dict[uuid.UUID, list[ChannelPrice]] = field(default_factory=lambda: defaultdict(list))


def _load(raw: Any) -> list[Any]:
    if raw is None:
        return []
    if isinstance(raw, str):
        loaded: list[Any] = json.loads(raw, parse_float=Decimal)
        return loaded
    # Cast to text in SQL: the driver's JSON codec would read numbers as floats.
    raise TypeError(f"unexpected JSON column value {type(raw).__name__}")


class _Ids(dict[str, uuid.UUID]):
    """Text ids to ``UUID``s, each parsed once; a hit is a plain dict lookup."""

    def __missing__(self, text: str) -> uuid.UUID:
        value = self[text] = uuid.UUID(text)
        return value


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


def _opt(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


async def cost_inputs(session: AsyncSession, tenant_id: uuid.UUID, roots: Sequence[uuid.UUID]) -> CostInputs:
    """The cost inputs of ``roots`` and their bundle trees in one statement (RLS applies as usual)."""
    raw = await session.scalar(INPUTS, {"roots": list(roots), "tenant": tenant_id})
    return parse_inputs(raw)


def parse_inputs(raw: Any) -> CostInputs:
    """The cost inputs from the text of the cost read (``cost_sql``), for a page or for given roots."""
    parts, children, heads, filaments, prices = (v or [] for v in _load(raw) or [None] * 5)
    found = CostInputs()
    # Ids repeat across the arrays (a model in its head and its products' rows): parse each string once.
    uid = _Ids()
    for kind, product_id, ref, quantity in parts:
        pid = uid[product_id]
        if kind == 0:
            found.models[pid].append(PartLine(pid, uid[ref], quantity))
        else:
            found.children[pid].append(ChildLine(pid, uid[ref], quantity))
    for text_id, sku, name, packaging, assembly in children:
        pid = uid[text_id]
        found.children_products[pid] = ChildProduct(pid, sku, name, _dec(packaging), _dec(assembly))
    # One MaterialCost per filament type the read model knows (unknown ones: no cost at all). A BOM line's
    # key is the type's id as text, exactly as PostgreSQL writes a uuid (lower case, hyphenated).
    known = {fid: MaterialCost(_opt(per_gram), bool(estimate)) for fid, per_gram, estimate in filaments}
    boms: dict[uuid.UUID, list[BomLine]] = {}
    parts_of: dict[uuid.UUID, list[Component]] = {}
    for text_id, sku, name, minutes, rate, overhead, cost, units, materials, components in heads:
        mid = uid[text_id]
        actual = _dec(cost) / _dec(units) if units else None
        found.heads.append((ModelHead(mid, sku, name, _dec(minutes), _opt(rate), _opt(overhead)), actual))
        boms[mid] = [BomLine(fid, _dec(grams), known.get(fid)) for fid, grams in materials or ()]
        parts_of[mid] = [Component(_dec(q), _dec(unit_cost)) for q, unit_cost in components or ()]
    found.boms, found.components = boms, parts_of
    for text_id, cid, name, platform, fee_pct, fixed_fee, price in prices:
        pid = uid[text_id]
        found.prices[pid].append(
            ChannelPrice(pid, uid[cid], name, platform, _dec(fee_pct), _dec(fixed_fee), _dec(price))
        )
    return found
