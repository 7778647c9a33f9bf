"""Queries of the shop-wide ledger and the usage statistics (RLS limits them to the bound tenant; every
query also names the tenant, so the planner uses the tenant-leading indexes)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.history.rules import USAGE_KINDS, Cursor, month_key
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.spools.models import InventoryTransaction, Spool

T = InventoryTransaction


@dataclass(frozen=True, slots=True)
class LedgerFilters:
    since: datetime | None = None
    until: datetime | None = None
    kind: str | None = None
    spool_id: uuid.UUID | None = None
    #: A spool's code, case-insensitive (the person types ``fil-001``).
    spool_code: str | None = None
    #: A material code, case-insensitive.
    material: str | None = None
    production_run_id: uuid.UUID | None = None
    #: A run's number as the ledger's reason stores it (``run <number>``).
    run_number: str | None = None


@dataclass(frozen=True, slots=True)
class LedgerRow:
    tx: InventoryTransaction
    spool_code: str
    filament: FilamentType
    material: MaterialType


@dataclass(frozen=True, slots=True)
class UsageGroup:
    """Σ of one (bucket, filament type): grams of priced spools and their cost, grams of unpriced ones."""

    bucket: str
    filament_type_id: uuid.UUID
    priced_grams: Decimal
    priced_cost: Decimal
    unpriced_grams: Decimal


@dataclass(frozen=True, slots=True)
class TypeCostRow:
    filament_type_id: uuid.UUID
    material_code: str
    material_is_global: bool
    typical_cost_per_kg: Decimal | None
    priced_price: Decimal | None
    priced_initial: Decimal | None


class HistoryRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    def _where(self, tenant_id: uuid.UUID, f: LedgerFilters) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = [T.tenant_id == tenant_id]
        if f.since is not None:
            where.append(T.created_at >= f.since)
        if f.until is not None:
            where.append(T.created_at < f.until)
        if f.kind is not None:
            where.append(T.kind == f.kind)
        if f.spool_id is not None:
            where.append(T.spool_id == f.spool_id)
        if f.spool_code is not None:
            spools = select(Spool.id).where(
                Spool.tenant_id == tenant_id, func.upper(Spool.code) == f.spool_code.strip().upper()
            )
            where.append(T.spool_id.in_(spools.scalar_subquery()))
        if f.material is not None:
            types = (
                select(FilamentType.id)
                .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
                .where(
                    FilamentType.tenant_id == tenant_id,
                    func.upper(MaterialType.code) == f.material.strip().upper(),
                )
            )
            spools = select(Spool.id).where(
                Spool.tenant_id == tenant_id, Spool.filament_type_id.in_(types.scalar_subquery())
            )
            where.append(T.spool_id.in_(spools.scalar_subquery()))
        if f.production_run_id is not None:
            where.append(T.production_run_id == f.production_run_id)
        if f.run_number is not None:
            # Every row of the runs booked with this number (their discrepancy rows too), found through the
            # partial index on (tenant_id, reason) of run rows.
            runs = select(T.production_run_id).where(
                T.tenant_id == tenant_id,
                T.production_run_id.is_not(None),
                T.reason == f"run {f.run_number.strip()}",
            )
            where.append(T.production_run_id.in_(runs.scalar_subquery()))
        return where

    def _page_stmt(
        self,
        tenant_id: uuid.UUID,
        filters: LedgerFilters,
        *,
        after: Cursor | None,
        descending: bool,
        limit: int,
        offset: int = 0,
    ) -> Select[InventoryTransaction, str, uuid.UUID]:
        where = self._where(tenant_id, filters)
        key = tuple_(T.created_at, T.id)
        if after is not None:
            bound = tuple_(after.created_at, after.id)
            where.append(key < bound if descending else key > bound)
        order: list[Any] = (
            [T.created_at.desc(), T.id.desc()] if descending else [T.created_at.asc(), T.id.asc()]
        )
        return (
            select(T, Spool.code, Spool.filament_type_id)
            .join(Spool, Spool.id == T.spool_id)
            .where(*where)
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )

    async def page(
        self,
        tenant_id: uuid.UUID,
        filters: LedgerFilters,
        *,
        after: Cursor | None,
        descending: bool,
        limit: int,
        offset: int = 0,
    ) -> list[LedgerRow]:
        """Up to ``limit`` rows after the cursor (keyset on ``(created_at, id)``), each with its spool's code
        and type. The page walks ``ix_inventory_transactions_tenant_id_created_at_id``; the few types of the
        page come from a second query (see ``SpoolRepository.page`` for why not a join)."""
        stmt = self._page_stmt(
            tenant_id, filters, after=after, descending=descending, limit=limit, offset=offset
        )
        rows = (await self.session.execute(stmt)).all()
        types = await self._types_of({r[2] for r in rows})
        return [LedgerRow(r[0], r[1], *types[r[2]]) for r in rows]

    async def csv_rows(
        self,
        tenant_id: uuid.UUID,
        filters: LedgerFilters,
        *,
        after: Cursor | None,
        descending: bool,
        limit: int,
    ) -> list[tuple[Any, ...]]:
        """A batch of the CSV: plain column tuples in ``CSV_HEADER`` order (no ORM objects: at 16,000 rows
        building entities cost 3.5 s of a month's export)."""
        where = self._where(tenant_id, filters)
        if after is not None:
            key, bound = tuple_(T.created_at, T.id), tuple_(after.created_at, after.id)
            where.append(key < bound if descending else key > bound)
        order: list[Any] = (
            [T.created_at.desc(), T.id.desc()] if descending else [T.created_at.asc(), T.id.asc()]
        )
        stmt = (
            select(
                T.created_at,
                Spool.code,
                MaterialType.code,
                FilamentType.brand,
                FilamentType.color_name,
                T.kind,
                T.grams_before,
                T.delta,
                T.grams_after,
                T.reason,
                T.production_run_id,
                T.actor_id,
                T.reversal_of_id,
                T.id,
            )
            .select_from(T)
            .join(Spool, Spool.id == T.spool_id)
            .join(FilamentType, FilamentType.id == Spool.filament_type_id)
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .where(*where)
            .order_by(*order)
            .limit(limit)
        )
        return [tuple(r) for r in (await self.session.execute(stmt)).all()]

    async def count(self, tenant_id: uuid.UUID, filters: LedgerFilters, *, cap: int) -> int:
        """Rows matching, counted up to ``cap + 1`` (a count of 200,000 rows cost more than the page)."""
        matching = select(T.id).where(*self._where(tenant_id, filters)).limit(cap + 1).subquery()
        stmt = select(func.count()).select_from(matching)
        return int(await self.session.scalar(stmt) or 0)

    async def _types_of(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[FilamentType, MaterialType]]:
        if not ids:
            return {}
        stmt = (
            select(FilamentType, MaterialType)
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .where(FilamentType.id.in_(ids))
        )
        return {f.id: (f, m) for f, m in (await self.session.execute(stmt)).all()}

    async def usage(
        self,
        tenant_id: uuid.UUID,
        *,
        since: datetime | None,
        until: datetime | None,
        by_month: bool,
    ) -> list[UsageGroup]:
        """Consumption grouped by month (UTC, ``YYYY-MM``) or by nothing (the caller groups by material),
        and by filament type; priced spools carry their own cost (grams * price / initial)."""
        where: list[ColumnElement[bool]] = [T.tenant_id == tenant_id, T.kind.in_(USAGE_KINDS)]
        if since is not None:
            where.append(T.created_at >= since)
        if until is not None:
            where.append(T.created_at < until)
        # First Σ grams per (month, spool) over the ledger alone (one pass on the tenant's rows, no join,
        # no per-row division), then the few groups are joined to their spools for the type and price.
        month = func.date_trunc("month", func.timezone("UTC", T.created_at))
        bucket: ColumnElement[Any] = month if by_month else literal(None)
        per_spool = (
            select(bucket.label("bucket"), T.spool_id, func.sum(-T.delta).label("grams"))
            .where(*where)
            .group_by(*([month, T.spool_id] if by_month else [T.spool_id]))
            .subquery()
        )
        priced = Spool.purchase_price.is_not(None)
        grams = per_spool.c.grams
        stmt = (
            select(
                per_spool.c.bucket,
                Spool.filament_type_id,
                func.coalesce(func.sum(grams).filter(priced), 0),
                func.coalesce(
                    func.sum(grams * Spool.purchase_price / Spool.initial_weight).filter(priced), 0
                ),
                func.coalesce(func.sum(grams).filter(~priced), 0),
            )
            .select_from(per_spool)
            .join(Spool, Spool.id == per_spool.c.spool_id)
            .group_by(per_spool.c.bucket, Spool.filament_type_id)
        )
        return [
            UsageGroup(
                month_key(r[0]) if r[0] is not None else "", r[1], Decimal(r[2]), Decimal(r[3]), Decimal(r[4])
            )
            for r in (await self.session.execute(stmt)).all()
        ]

    async def type_costs(self, tenant_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[TypeCostRow]:
        """Each type's material and the Σ price / Σ initial of its priced spools (archived included)."""
        if not ids:
            return []
        priced = and_(Spool.filament_type_id == FilamentType.id, Spool.purchase_price.is_not(None))
        stmt = (
            select(
                FilamentType.id,
                MaterialType.code,
                MaterialType.tenant_id.is_(None),
                MaterialType.typical_cost_per_kg,
                func.sum(Spool.purchase_price),
                func.sum(Spool.initial_weight),
            )
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .outerjoin(Spool, priced)
            .where(FilamentType.tenant_id == tenant_id, FilamentType.id.in_(ids))
            .group_by(FilamentType.id, MaterialType.id)
        )
        return [
            TypeCostRow(
                r[0],
                r[1],
                bool(r[2]),
                r[3],
                Decimal(r[4]) if r[4] is not None else None,
                Decimal(r[5]) if r[5] is not None else None,
            )
            for r in (await self.session.execute(stmt)).all()
        ]
