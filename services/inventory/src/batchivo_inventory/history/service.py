"""The shop-wide ledger (keyset pages, CSV) and usage statistics (grams and money per month or material)."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from batchivo_common.errors import AppError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.history import rules
from batchivo_inventory.history.repository import HistoryRepository, LedgerFilters, LedgerRow, UsageGroup
from batchivo_inventory.money.service import MoneyService

#: ``total`` counts up to this many rows; beyond, the page says ``total = TOTAL_CAP + 1`` ("10,000+").
TOTAL_CAP = 10_000
#: Rows per query while streaming the CSV (keyset batches: memory stays flat at any ledger size).
CSV_BATCH = 1000
CSV_HEADER = (
    "created_at",
    "spool_code",
    "material",
    "brand",
    "color",
    "kind",
    "grams_before",
    "delta",
    "grams_after",
    "reason",
    "production_run_id",
    "actor_id",
    "reversal_of_id",
    "id",
)


class InvalidCursorError(AppError):
    status_code, code = 422, "VALIDATION_ERROR"


class HistoryService:
    def __init__(self, session: AsyncSession):
        self.session = session
        self.repo = HistoryRepository(session)
        self.money = MoneyService(session)

    async def page(
        self,
        tenant_id: uuid.UUID,
        filters: LedgerFilters,
        *,
        cursor: str | None,
        limit: int,
        offset: int,
        descending: bool,
    ) -> tuple[list[LedgerRow], str | None, int | None]:
        after = self._cursor(cursor)
        # One more row than asked tells whether a next page exists without a count.
        rows = await self.repo.page(
            tenant_id, filters, after=after, descending=descending, limit=limit + 1, offset=offset
        )
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = rules.encode_cursor(rows[-1].tx.created_at, rows[-1].tx.id) if more else None
        total = await self.repo.count(tenant_id, filters, cap=TOTAL_CAP) if after is None else None
        return rows, next_cursor, total

    async def csv_first_batch(
        self, tenant_id: uuid.UUID, filters: LedgerFilters, *, descending: bool
    ) -> list[tuple[Any, ...]]:
        """Read before the response starts: errors become a proper answer, and the transaction (with the
        tenant bound) is open for the batches that follow while the body streams."""
        return await self.repo.csv_rows(
            tenant_id, filters, after=None, descending=descending, limit=CSV_BATCH
        )

    async def csv_chunks(
        self,
        tenant_id: uuid.UUID,
        filters: LedgerFilters,
        first: list[tuple[Any, ...]],
        *,
        descending: bool,
    ) -> AsyncIterator[str]:
        """The header, then one chunk of text per keyset batch."""
        yield _csv_text([CSV_HEADER])
        batch = first
        while batch:
            yield _csv_text(batch)
            if len(batch) < CSV_BATCH:
                return
            last = batch[-1]
            batch = await self.repo.csv_rows(
                tenant_id,
                filters,
                after=rules.Cursor(last[0], last[-1]),
                descending=descending,
                limit=CSV_BATCH,
            )

    async def usage(
        self,
        tenant_id: uuid.UUID,
        *,
        since: datetime | None,
        until: datetime | None,
        by_month: bool,
    ) -> list[rules.UsageBucket]:
        groups = await self.repo.usage(tenant_id, since=since, until=until, by_month=by_month)
        settings = await self.money.get(tenant_id)
        costs = await self.repo.type_costs(tenant_id, sorted({g.filament_type_id for g in groups}, key=str))
        fallback: dict[uuid.UUID, rules.TypeCost] = {}
        material_of: dict[uuid.UUID, str] = {}
        for c in costs:
            material_of[c.filament_type_id] = c.material_code
            typical = c.typical_cost_per_kg
            if c.material_is_global:
                converted = settings.global_cost(typical)
                # A cost still in EUR cannot be added to the shop's money: those grams stay uncosted.
                typical = converted.value if converted.currency is None else None
            fallback[c.filament_type_id] = rules.type_cost(c.priced_price, c.priced_initial, typical)
        buckets: dict[str, rules.UsageBucket] = {}
        if by_month:
            # Every month of the range, used or not, so a chart shows the gaps; the range is the filter's
            # (``until`` is exclusive) or else the first and last month with usage.
            seen = _month_range(groups)
            first = since or (seen[0] if seen else None)
            last = until - timedelta(microseconds=1) if until is not None else (seen[1] if seen else None)
            if first is not None and last is not None:
                for key in rules.months_between(first.date(), last.date()):
                    buckets[key] = rules.UsageBucket(key)
        for g in groups:
            key = g.bucket if by_month else material_of.get(g.filament_type_id, "?")
            bucket = buckets.setdefault(key, rules.UsageBucket(key))
            rules.add_usage(
                bucket,
                priced_grams=g.priced_grams,
                priced_cost=g.priced_cost,
                unpriced_grams=g.unpriced_grams,
                fallback=fallback.get(g.filament_type_id, rules.TypeCost(None, True)),
            )
        items = list(buckets.values())
        if by_month:
            items.sort(key=lambda b: b.key)
        else:
            items.sort(key=lambda b: (-b.grams, b.key))
        for b in items:
            b.cost = rules.money(b.cost)
        return items

    @staticmethod
    def _cursor(value: str | None) -> rules.Cursor | None:
        if value is None:
            return None
        try:
            return rules.decode_cursor(value)
        except rules.InvalidCursor as exc:
            raise InvalidCursorError(str(exc)) from None


def _month_range(groups: list[UsageGroup]) -> tuple[datetime, datetime] | None:
    keys = sorted(g.bucket for g in groups if g.bucket)
    if not keys:
        return None
    return datetime.strptime(keys[0], "%Y-%m"), datetime.strptime(keys[-1], "%Y-%m")


def _csv_text(rows: list[tuple[Any, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    cell = rules.csv_cell
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue()
