"""Queries on spools, their code counter and the ledger (RLS limits them to the bound tenant)."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, cast

import asyncpg
from batchivo_common.db.driver import DriverQuery, session_driver
from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.messaging.outbox import events_cte, events_params, relay_wakeup
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    FromClause,
    Integer,
    Select,
    Subquery,
    Table,
    Text,
    any_,
    bindparam,
    case,
    delete,
    func,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.util import ClauseAdapter

from batchivo_inventory.db import outbox
from batchivo_inventory.locations import rules as location_rules
from batchivo_inventory.materials.models import FilamentType, MaterialType
from batchivo_inventory.spools import rules, search, search_sql
from batchivo_inventory.spools.models import InventoryTransaction, Spool, SpoolCodeCounter


class CodeTaken(Exception):
    """The spool code is already used in this tenant (HTTP 409 CONFLICT)."""


class FilamentTypeGone(Exception):
    """The filament type was deleted by a concurrent transaction (HTTP 404)."""


@dataclass(frozen=True, slots=True)
class SpoolRow:
    spool: Spool
    filament: FilamentType
    material: MaterialType


class SpoolRecord(NamedTuple):
    """A spool's columns as a list reads them: a plain record from a Core row, not an ORM entity. A list
    page is read-only, and loading 50 tracked entities cost about 1.5 ms of CPU more per page than the
    rows (bench/README.md, issue 14). The fields are ``_LOADED`` in order (a unit test keeps them so).

    A NamedTuple, as immutable as a frozen dataclass and built in a tenth of its time (0.36 against
    2.9 µs for 21 fields: a frozen dataclass sets each field through ``object.__setattr__``), 50 times a
    page."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    code: str
    code_number: int | None
    filament_type_id: uuid.UUID
    initial_weight: Decimal
    current_weight: Decimal
    empty_spool_weight: Decimal | None
    purchase_price: Decimal | None
    purchase_date: date | None
    supplier: str | None
    location: str | None
    location_id: uuid.UUID | None
    lot_number: str | None
    notes: str | None
    is_archived: bool
    low_stock_threshold_pct: Decimal
    low_stock_notified: bool
    version: int
    created_at: datetime
    updated_at: datetime


class FilamentRecord(NamedTuple):
    """What a spool's answer shows of its filament type (``FilamentTypeSummary`` without the material)."""

    id: uuid.UUID
    brand: str
    color_name: str
    color_hex: str | None


class SpoolView(NamedTuple):
    """One spool as ``GET /spools/{id}`` and the list answer it, read as plain values (NamedTuples, built
    50 times a page, as :class:`SpoolRecord`)."""

    spool: SpoolRecord
    filament: FilamentRecord
    material_code: str


@dataclass(frozen=True, slots=True)
class SpoolFilters:
    q: str | None = None
    material: str | None = None
    filament_type_id: uuid.UUID | None = None
    #: Locations starting with this, any case ("shelf" finds "Shelf A"); the whole name with location_exact.
    location: str | None = None
    location_exact: bool = False
    location_id: uuid.UUID | None = None
    low_stock: bool | None = None
    #: False: active spools only; True: archived only; None: both.
    archived: bool | None = False


@dataclass(frozen=True, slots=True)
class TransactionFilters:
    spool_id: uuid.UUID | None = None
    kind: str | None = None
    production_run_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


#: ``remaining_pct < threshold`` without a division: current * 100 < threshold * initial. The 100 is
#: written into the SQL (not bound), so the text is the predicate of the partial index
#: ``ix_spools_tenant_id_low_stock`` that counts low-stock spools (migration 0011_spool_list_scale).
LOW_STOCK = (
    Spool.current_weight * literal_column("100") < Spool.low_stock_threshold_pct * Spool.initial_weight
)
#: The number of a generated code (a stored column, indexed with the tenant for the default order).
CODE_NUMBER = Spool.code_number
#: A search ranks at most this many matching spools and counts matches up to it
#: (docs/adr/0014-spool-search.md).
SEARCH_CANDIDATES = 1000
#: A search in a column's order with at most SEARCH_CANDIDATES matches first looks for its page among this
#: many spools in that order: all of a 1,000-spool shop's (docs/adr/0014-spool-search.md).
SEARCH_HEAD = 1000
#: A list without ``q`` counts its matches up to this many past the page's offset; past it, ``total`` is
#: that lower bound and says so (docs/adr/0018-spool-list-scale.md): an exact count read every match,
#: 100,000 index entries per page for a big tenant, more than the page itself.
LIST_COUNT_CAP = 1000
#: Sorts by columns that may be NULL put those spools last in both directions; the others are NOT NULL,
#: so their order carries no NULLS clause and a backward scan of an ascending index serves the descending
#: sort (migrations/versions/0011_spool_list_scale.py has an index per order).
SORT_COLUMNS: dict[str, list[tuple[Any, bool]]] = {
    "code": [(CODE_NUMBER, True), (Spool.code, False)],
    "created_at": [(Spool.created_at, False)],
    "current_weight": [(Spool.current_weight, False)],
    "remaining_pct": [(Spool.current_weight / Spool.initial_weight, False)],
    "location": [(Spool.location, True)],
    "purchase_date": [(Spool.purchase_date, True)],
}


def list_order(sort: str, descending: bool) -> list[Any]:
    """ORDER BY of a list: the sort's columns, then ``id`` in the same direction, so that every order is
    total and exactly one index walk answers it (a page reads ~limit + offset rows)."""
    order: list[Any] = []
    for column, nullable in SORT_COLUMNS[sort]:
        term = column.desc() if descending else column.asc()
        order.append(term.nulls_last() if nullable else term)
    order.append(Spool.id.desc() if descending else Spool.id.asc())
    return order


@dataclass(frozen=True, slots=True)
class SpoolPageResult:
    rows: list[SpoolView]
    total: int
    #: True when a search stopped counting at SEARCH_CANDIDATES: ``total`` is a lower bound.
    total_is_lower_bound: bool = False


def _with_type() -> Select[Spool, FilamentType, MaterialType]:
    return (
        select(Spool, FilamentType, MaterialType)
        .join(FilamentType, FilamentType.id == Spool.filament_type_id)
        .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
    )


# The one-spool reads of every hot request (get, use, weigh), built once: constructing a select costs more
# Python than running it (bench/inventory_profile.py); the values come as bound parameters.
_ONE = _with_type().where(Spool.id == bindparam("spool_id"), Spool.tenant_id == bindparam("tenant_id"))
_ONE_LOCKED = _ONE.with_for_update(of=Spool).execution_options(populate_existing=True)


_SPOOLS = cast(Table, Spool.__table__)
_LEDGER = cast(Table, InventoryTransaction.__table__)
#: The spool columns an INSERT may set (computed ones are the database's) and those loaded back (not the
#: deferred search columns).
_INSERTED = frozenset(c.key for c in _SPOOLS.c if c.computed is None)
_LOADED = [c for c in _SPOOLS.c if c.key not in {"location_key", "search_document"}]
# A weight change of a locked spool, as the one Core statement it is (no unit-of-work flush).
_SET_WEIGHT = (
    update(_SPOOLS)
    .where(_SPOOLS.c.id == bindparam("match_id"), _SPOOLS.c.tenant_id == bindparam("match_tenant"))
    .values(current_weight=bindparam("grams"), version=_SPOOLS.c.version + 1, updated_at=func.now())
    .returning(_SPOOLS.c.version, _SPOOLS.c.updated_at)
)
#: The ledger columns a booking sets (the others are the database's: id is bound apart, created_at now()).
_LEDGER_KEYS = (
    "tenant_id",
    "spool_id",
    "kind",
    "grams_before",
    "delta",
    "grams_after",
    "reason",
    "actor_id",
    "source_event_id",
    "production_run_id",
    "reversal_of_id",
    "api_key_id",
)


_COUNTERS = cast(Table, SpoolCodeCounter.__table__)


# On the table, not the entity: an ORM-enabled INSERT runs SQLAlchemy's bulk-insert machinery for one row
# whose value nothing keeps (a tenth of a create's CPU in the inventory process with the type's UPDATE;
# bench/README.md, issue 14).
def _reserving_codes(tenant: ColumnElement[Any], count: ColumnElement[Any] | int) -> Any:
    """The upsert that reserves ``count`` numbers of the tenant's code counter, RETURNING the first as
    ``first``: alone for an import's block, or as a CTE of the spool's insert (ADR 0029)."""
    return (
        insert(_COUNTERS)
        .values(tenant_id=tenant, next_value=count + 1)
        .on_conflict_do_update(
            index_elements=[_COUNTERS.c.tenant_id], set_={"next_value": _COUNTERS.c.next_value + count}
        )
        .returning((_COUNTERS.c.next_value - count).label("first"))
    )


_RESERVE_CODES = _reserving_codes(bindparam("counter_tenant"), bindparam("count", type_=BigInteger))


_TYPES = cast(Table, FilamentType.__table__)


def drawn_code(number: ColumnElement[Any]) -> ColumnElement[str]:
    """:func:`rules.format_code` of ``number`` in SQL (at least three digits, never truncated), for a code
    drawn inside the statement that inserts its spool; a test holds the two equal."""
    digits = rules.CODE_MIN_DIGITS
    as_text = sql_cast(number, Text)
    padded = case((number < 10**digits, func.lpad(as_text, digits, "0")), else_=as_text)
    return literal_column(f"'{rules.CODE_PREFIX}'", Text).concat(padded)


def cost_moved(
    count: ColumnElement[Any],
    price_total: ColumnElement[Any],
    weight_total: ColumnElement[Any],
    added_price: ColumnElement[Any],
    added_weight: ColumnElement[Any],
) -> ColumnElement[bool]:
    """Whether one more priced spool (``added_*``) changes the cost per gram its type publishes, from the
    type's totals before it: the type had no priced spool (its cost was an estimate, or none), or the cost
    to 4 places (``stock.rules.filament_type_cost``: halves up, as ``round``) changes. A test holds the
    two equal."""
    before = func.round(price_total / func.nullif(weight_total, 0), 4)
    after = func.round((price_total + added_price) / (weight_total + added_weight), 4)
    return case((count == 0, True), else_=before != after)


@functools.lru_cache(maxsize=64)
def _insert_purchased_statement(
    spool_keys: tuple[str, ...], ledger_keys: tuple[str, ...], *, draw_code: bool, priced: bool
) -> DriverQuery:
    """A new spool, its purchase row and its ``created`` event as ONE statement, built once per variant
    (values bound): the spool's INSERT ... ON CONFLICT DO NOTHING RETURNING, the ledger row and the event
    inserted from that RETURNING (so a taken code writes nothing). On the driver: through SQLAlchemy, its
    cache key (walked on every execute) and result cost a tenth of a create's CPU (bench/README.md, issue 14).

    Its row locks are taken here, by the statement the transaction commits right after (ADR 0029): holding
    them across more round trips serialised a shop's creates (c=32 did 1.1x the requests of c=1).
    ``draw_code``: the code's number is drawn from the tenant's counter in the same statement (the event's
    code is set from it). ``priced``: the spool's type is locked and its version moved when the spool moves
    its cost per gram (``cost_moved`` in the row), decided under that lock."""
    values: dict[str, ColumnElement[Any]] = {
        key: bindparam(f"spool_{key}", type_=_SPOOLS.c[key].type) for key in spool_keys
    }
    if draw_code:
        reserved = _reserving_codes(values["tenant_id"], 1).cte("reserved")
        values["code"] = drawn_code(reserved.c.first)
        spool_insert = insert(_SPOOLS).from_select(
            list(values), select(*(v.label(k) for k, v in values.items())).select_from(reserved)
        )
    else:
        spool_insert = insert(_SPOOLS).values(values)
    new = (
        spool_insert.on_conflict_do_nothing(index_elements=[_SPOOLS.c.tenant_id, _SPOOLS.c.code])
        .returning(*_LOADED)
        .cte("new_spool")
    )
    booked = (
        insert(_LEDGER)
        .from_select(
            ["id", *ledger_keys],
            select(
                bindparam("ledger_id", type_=_LEDGER.c.id.type),
                *(bindparam(f"ledger_{key}", type_=_LEDGER.c[key].type) for key in ledger_keys),
            ).select_from(new),
        )
        .cte("booked")
    )
    code_from: dict[tuple[str, ...], ColumnElement[Any]] | None = (
        {("data", "code"): new.c.code} if draw_code else None
    )
    events = events_cte(outbox, None, only_with=new, envelope_from=code_from)
    columns: list[Any] = [*new.c, relay_wakeup(outbox)]
    if priced:
        # Always an UPDATE of the type's row, moved or not: its lock, taken now, makes the decision the one
        # the commit keeps (every change of the totals takes it); the trigger then writes the same row.
        t = _TYPES.c
        moved = cost_moved(
            t.priced_spool_count,
            t.priced_price_total,
            t.priced_weight_total,
            new.c.purchase_price,
            new.c.initial_weight,
        )
        bumped = (
            update(_TYPES)
            .where(_TYPES.c.id == new.c.filament_type_id, _TYPES.c.tenant_id == new.c.tenant_id)
            .values(
                version=_TYPES.c.version + case((moved, 1), else_=0),
                updated_at=case((moved, func.now()), else_=_TYPES.c.updated_at),
            )
            .returning(moved.label("cost_moved"))
            .cte("bumped")
        )
        columns.append(select(bumped.c.cost_moved).scalar_subquery().label("cost_moved"))
    return DriverQuery(select(*columns).add_cte(booked, events))


@functools.lru_cache(maxsize=8)
def _usage_statement(merging: bool, announcing: bool) -> DriverQuery:
    """:meth:`SpoolRepository.book_usage_merging`'s one statement, built once per variant (values bound):
    the spool's UPDATE; the merge of the usage into the key's open row (``merging``) or else a new row;
    the state event; the ``opened_events`` when a row was opened (``announcing``). On the driver, as
    :func:`_book_statement`."""
    t = _LEDGER
    moved = (
        update(_SPOOLS)
        .where(_SPOOLS.c.id == bindparam("match_id"), _SPOOLS.c.tenant_id == bindparam("match_tenant"))
        .values(current_weight=bindparam("grams"), version=_SPOOLS.c.version + 1, updated_at=func.now())
        .returning(_SPOOLS.c.version, _SPOOLS.c.updated_at)
        .cte("moved")
    )
    keys = ("id", *_LEDGER_KEYS)
    source = select(*[bindparam(f"ledger_{key}", type_=t.c[key].type).label(key) for key in keys])
    ctes: list[Any] = [moved]
    if merging:
        latest = (
            select(t.c.id, t.c.kind, t.c.api_key_id, t.c.grams_after, t.c.created_at)
            .where(t.c.tenant_id == bindparam("match_tenant"), t.c.spool_id == bindparam("match_id"))
            .order_by(t.c.created_at.desc(), t.c.id.desc())
            .limit(1)
            .cte("latest")
        )
        delta = bindparam("ledger_delta", type_=t.c.delta.type)
        key_id = bindparam("ledger_api_key_id", type_=t.c.api_key_id.type)
        elsewhere = t.alias("elsewhere")
        window = func.make_interval(0, 0, 0, 0, 0, 0, bindparam("window_seconds", type_=Integer))
        merged = (
            update(t)
            .where(
                t.c.id == latest.c.id,
                t.c.tenant_id == bindparam("match_tenant"),
                latest.c.kind == bindparam("ledger_kind", type_=t.c.kind.type),
                latest.c.api_key_id == key_id,
                latest.c.grams_after == bindparam("ledger_grams_before", type_=t.c.grams_after.type),
                latest.c.created_at > func.clock_timestamp() - window,
                # The key booked nothing on another spool since the row opened (the printer did not
                # change spools in between).
                ~select(elsewhere.c.id)
                .where(
                    elsewhere.c.tenant_id == bindparam("match_tenant"),
                    elsewhere.c.api_key_id == key_id,
                    elsewhere.c.created_at > latest.c.created_at,
                    elsewhere.c.spool_id != bindparam("match_id"),
                )
                .exists(),
            )
            .values(delta=t.c.delta + delta, grams_after=t.c.grams_after + delta)
            .returning(t.c.id)
            .cte("merged")
        )
        source = source.where(~select(merged.c.id).exists())
        ctes.append(merged)
    opened = insert(t).from_select(list(keys), source).returning(t.c.id).cte("opened")
    ctes += [opened, events_cte(outbox, None)]
    if announcing:
        ctes.append(events_cte(outbox, None, only_with=opened, name="opened_events"))
    return DriverQuery(
        select(
            moved.c.version, moved.c.updated_at, relay_wakeup(outbox), select(opened.c.id).exists()
        ).add_cte(*ctes)
    )


@functools.cache
def _book_statement() -> DriverQuery:
    """A weight change as one statement, built once (its values are bound parameters): the spool's UPDATE,
    its ledger row and its event with the relay's wake-up, as data-modifying CTEs. On the driver: through
    SQLAlchemy, the walk of the statement for its cache key and the result cost more CPU than the
    statement's own round trip (bench/README.md, issue 14)."""
    moved = (
        update(_SPOOLS)
        .where(_SPOOLS.c.id == bindparam("match_id"), _SPOOLS.c.tenant_id == bindparam("match_tenant"))
        .values(current_weight=bindparam("grams"), version=_SPOOLS.c.version + 1, updated_at=func.now())
        .returning(_SPOOLS.c.version, _SPOOLS.c.updated_at)
        .cte("moved")
    )
    columns: dict[str, Any] = {
        "id": bindparam("ledger_id"),
        **{key: bindparam(f"ledger_{key}") for key in _LEDGER_KEYS},
    }
    booked = insert(_LEDGER).values(columns).cte("booked")
    return DriverQuery(
        select(moved.c.version, moved.c.updated_at, relay_wakeup(outbox)).add_cte(
            booked, events_cte(outbox, None)
        )
    )


# A ledger row, inserted and handed back as a persistent entity (ORM bulk insert with RETURNING).
_ADD_LEDGER_ROW = insert(InventoryTransaction).returning(InventoryTransaction)


#: What a spool's answer shows of its filament type (``FilamentRecord``), then its material's code.
_TYPE_SUMMARY = (
    FilamentType.id,
    FilamentType.brand,
    FilamentType.color_name,
    FilamentType.color_hex,
    MaterialType.code,
)
_ONE_VIEW = (
    select(*_LOADED, *_TYPE_SUMMARY)
    .join(FilamentType, FilamentType.id == Spool.filament_type_id)
    .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
    .where(Spool.id == bindparam("spool_id"), Spool.tenant_id == bindparam("tenant_id"))
)
_ONE_VIEW_ON_DRIVER = DriverQuery(_ONE_VIEW)


async def read_view(
    connection: asyncpg.Connection, tenant_id: uuid.UUID, spool_id: uuid.UUID
) -> SpoolView | None:
    """The spool, its type's summary and material code as plain values, for ``GET /spools/{id}``: one
    statement on the driver (``DriverReadDep``), without SQLAlchemy's execute and result (db/driver.py)."""
    row = await _ONE_VIEW_ON_DRIVER.fetchrow(connection, {"spool_id": spool_id, "tenant_id": tenant_id})
    return None if row is None else _view_of(row)


def _view_of(row: asyncpg.Record) -> SpoolView:
    """A row that starts with ``_LOADED`` then ``_TYPE_SUMMARY`` (a spool's read, a list page's rows)."""
    width = len(_LOADED)
    return SpoolView(SpoolRecord(*row[:width]), FilamentRecord(*row[width : width + 4]), row[width + 4])


class _FilterShape(NamedTuple):
    """Which of a list's filters are set (not their values): one statement per shape and order."""

    material: bool
    filament_type: bool
    #: None, "prefix" or "exact".
    location: str | None
    location_id: bool
    low_stock: bool | None
    archived: bool | None

    @classmethod
    def of(cls, filters: SpoolFilters) -> _FilterShape:
        location = None if filters.location is None else ("exact" if filters.location_exact else "prefix")
        return cls(
            bool(filters.material),
            filters.filament_type_id is not None,
            location,
            filters.location_id is not None,
            filters.low_stock,
            filters.archived,
        )


def _filter_terms(shape: _FilterShape) -> list[ColumnElement[bool]]:
    """The WHERE terms of a list's filters other than a search, on named bound parameters whose values
    :func:`_filter_params` gives: the same filters with other values are the same statement."""
    where: list[ColumnElement[bool]] = [Spool.tenant_id == bindparam("tenant_id")]
    if shape.material:
        # A semi-join on the tenant's few filament types of that material: the page still walks its
        # order's index (joining the types made the planner read and sort every spool of the tenant).
        # The types are a MATERIALIZED CTE, planned and run once for the page and its count: planned in
        # each, under both tables' RLS, they took half the statement's planning (0.78 → 0.39 ms).
        of_material = (
            select(FilamentType.id)
            .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
            .where(func.upper(MaterialType.code) == bindparam("material"))
            .cte("of_material")
            .prefix_with("MATERIALIZED")
        )
        where.append(Spool.filament_type_id.in_(select(of_material.c.id)))
    if shape.filament_type:
        where.append(Spool.filament_type_id == bindparam("filament_type_id"))
    if shape.location == "exact":
        where.append(Spool.location_key == bindparam("location_low"))
    elif shape.location == "prefix":
        where.append(Spool.location_key >= bindparam("location_low"))
        where.append(Spool.location_key < bindparam("location_high"))
    if shape.location_id:
        where.append(Spool.location_id == bindparam("location_id"))
    if shape.low_stock is not None:
        where.append(LOW_STOCK if shape.low_stock else ~LOW_STOCK)
    if shape.archived is not None:
        where.append(Spool.is_archived.is_(shape.archived))
    return where


def _filter_params(tenant_id: uuid.UUID, filters: SpoolFilters) -> dict[str, Any]:
    params: dict[str, Any] = {"tenant_id": tenant_id}
    if filters.material:
        params["material"] = filters.material.strip().upper()
    if filters.filament_type_id is not None:
        params["filament_type_id"] = filters.filament_type_id
    if filters.location is not None:
        params["location_low"], params["location_high"] = location_rules.key_range(filters.location)
    if filters.location_id is not None:
        params["location_id"] = filters.location_id
    return params


@functools.lru_cache(maxsize=512)
def _plain_statement(shape: _FilterShape, sort: str, descending: bool) -> DriverQuery:
    """A list page without a search, its types' summaries and its capped count, as ONE statement built
    once per shape and order (2 x 2 x 3 x 2 x 3 x 3 x 6 sorts x 2 directions bound the cache). As three
    statements (count, page, types) they were three round trips and three plannings: 0.7 ms of planning
    against 0.6 ms of execution at 1,000 spools (EXPLAIN ANALYZE; ADR 0028).

    The page is a MATERIALIZED CTE, planned on its own: it walks its order's index and stops after
    ``limit`` rows. Its few filament and material types are joined to the page's rows only (joining them in
    the page's own query let the planner, misled by RLS and generic plans, sort every match or bitmap-scan
    the tenant's whole (tenant_id, filament_type_id) index per type: 250 ms at 2,000 spools, 148 ms then
    6 ms at 100,000, vs 2 ms at 1,000). The count is an uncorrelated scalar subquery, run once and repeated
    on every row (``total``); an empty page carries none (:meth:`SpoolRepository._plain_page`)."""
    where = _filter_terms(shape)
    page = (
        select(*_LOADED)
        .where(*where)
        .order_by(*list_order(sort, descending))
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
        .cte("page")
        .prefix_with("MATERIALIZED")
    )
    total = select(func.count()).select_from(_counted(where)).scalar_subquery()
    # The page's order again, on the CTE's columns: a join keeps no order of its own.
    order = [ClauseAdapter(page).traverse(term) for term in list_order(sort, descending)]
    statement = (
        select(*page.c, *_TYPE_SUMMARY, total.label("total"))
        .join(FilamentType, FilamentType.id == page.c.filament_type_id)
        .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
        .order_by(*order)
    )
    return DriverQuery(statement)


def _counted(where: list[ColumnElement[bool]]) -> Subquery:
    """The matches of ``where``, at most ``count_limit`` of them (counting stops there)."""
    return select(Spool.id).where(*where).limit(bindparam("count_limit", type_=Integer)).subquery()


@functools.lru_cache(maxsize=512)
def _plain_count(shape: _FilterShape) -> DriverQuery:
    """The capped count alone, for a page past the last match (the page statement then returns no row)."""
    return DriverQuery(select(func.count()).select_from(_counted(_filter_terms(shape))))


_TYPES_OF = (
    select(FilamentType, MaterialType)
    .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
    .where(FilamentType.id.in_(bindparam("filament_type_ids", expanding=True)))
)
#: What a list page shows of its spools' types (``FilamentRecord`` and the material's code), on the driver.
_TYPE_SUMMARIES = DriverQuery(
    select(*_TYPE_SUMMARY)
    .join(MaterialType, MaterialType.id == FilamentType.material_type_id)
    .where(FilamentType.id == any_(bindparam("filament_type_ids", type_=ARRAY(PG_UUID(as_uuid=True)))))
)


async def _one_row(query: DriverQuery, driver: asyncpg.Connection, params: dict[str, Any]) -> asyncpg.Record:
    """The one row a booking statement returns (its spool's UPDATE matched: the caller holds its lock)."""
    row = await query.fetchrow(driver, params)
    if row is None:  # pragma: no cover - the spool is locked by the caller
        raise RuntimeError("the locked spool's UPDATE matched no row")
    return row


class SpoolRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def _flush_pending(self) -> None:
        """What the session holds unwritten goes first, in its order: a statement on the driver does not
        autoflush as one through the session does."""
        if self.session.new or self.session.dirty or self.session.deleted:
            await self.session.flush()

    async def next_code_number(self, tenant_id: uuid.UUID, count: int = 1) -> int:
        """Reserve ``count`` numbers of the tenant's sequence; returns the first. Never reused (a rolled
        back transaction gives its numbers back, which is fine: no code was ever issued with them)."""
        params = {"counter_tenant": tenant_id, "count": count}
        return int((await self.session.execute(_RESERVE_CODES, params)).scalar_one())

    async def insert_purchased(
        self, spool: Spool, purchase: dict[str, Any], event: EventEnvelope, *, draw_code: bool
    ) -> bool:
        """Insert the new ``spool`` (a transient object), its ``purchase`` ledger row and its ``created``
        event in ONE statement, and leave the spool persistent in the session with what the database filled
        in. ``draw_code``: its code is the tenant's next number, drawn by the statement (the spool's and the
        event's code are placeholders until then); else the spool's own. The spool's INSERT is ``ON CONFLICT
        DO NOTHING`` on its code; the ledger row and the event are inserted from its RETURNING, so a taken
        code writes nothing but the drawn number (:class:`CodeTaken`) and the transaction goes on. A filament
        type deleted meanwhile fails the statement (:class:`FilamentTypeGone`), which ends the request's
        transaction anyway. Returns whether a priced spool moved its type's cost per gram (the type's
        version then moved, under the row lock the statement took)."""
        values = {key: getattr(spool, key) for key in _INSERTED if key in spool.__dict__}
        if draw_code:
            values.pop("code", None)
        priced = spool.purchase_price is not None
        stmt = _insert_purchased_statement(
            tuple(sorted(values)), tuple(purchase), draw_code=draw_code, priced=priced
        )
        params = {
            **{f"spool_{key}": value for key, value in values.items()},
            "ledger_id": uuid.uuid4(),
            **{f"ledger_{key}": value for key, value in purchase.items()},
            **events_params([event]),
        }
        await self._flush_pending()
        driver = await session_driver(self.session)
        try:
            row = await stmt.fetchrow(driver, params)
        except asyncpg.ForeignKeyViolationError as exc:
            if exc.constraint_name == "fk_spools_filament_type_id_filament_types":
                raise FilamentTypeGone(str(spool.filament_type_id)) from None
            raise
        if row is None:
            raise CodeTaken(spool.code)
        for column, value in zip(_LOADED, row, strict=False):  # then pg_notify's value and cost_moved
            setattr(spool, column.key, value)
        # As if loaded by a query: committed state, persistent in the session (deferred columns unloaded).
        make_transient_to_detached(spool)
        self.session.add(spool)
        return bool(row["cost_moved"]) if priced else False

    async def set_weight(self, spool: Spool, grams: Decimal) -> None:
        """Store the locked ``spool``'s new weight and move its version on; the object then holds what the
        database has, as committed state (nothing left for a flush to write)."""
        if self.session.dirty:  # changes made before this one are written first, in their order
            await self.session.flush()
        params = {"match_id": spool.id, "match_tenant": spool.tenant_id, "grams": grams}
        version, updated_at = (await self.session.execute(_SET_WEIGHT, params)).one()
        set_committed_value(spool, "current_weight", grams)
        set_committed_value(spool, "version", version)
        set_committed_value(spool, "updated_at", updated_at)

    async def book(
        self, spool: Spool, grams: Decimal, ledger_row: dict[str, Any], event: EventEnvelope
    ) -> None:
        """A weight change of the locked ``spool`` as ONE statement: the spool's UPDATE, its ledger row and
        its state event (with the relay's wake-up) as data-modifying CTEs, so the three writes cost one
        round trip and stay atomic. ``event`` already describes the new state (version + 1: the row is
        locked, so that is the version the UPDATE writes); the object is left holding it as committed."""
        await self._flush_pending()
        params = {
            "match_id": spool.id,
            "match_tenant": spool.tenant_id,
            "grams": grams,
            "ledger_id": uuid.uuid4(),
            **{f"ledger_{key}": ledger_row.get(key) for key in _LEDGER_KEYS},
            **events_params([event]),
        }
        extra = set(ledger_row) - set(_LEDGER_KEYS)
        if extra:
            raise ValueError(f"ledger columns the booking statement does not set: {sorted(extra)}")
        version, updated_at, _ = await _one_row(_book_statement(), await session_driver(self.session), params)
        set_committed_value(spool, "current_weight", grams)
        set_committed_value(spool, "version", version)
        set_committed_value(spool, "updated_at", updated_at)

    async def book_usage_merging(
        self,
        spool: Spool,
        grams: Decimal,
        ledger_row: dict[str, Any],
        event: EventEnvelope,
        *,
        window_seconds: int,
        opened_events: Sequence[EventEnvelope] = (),
    ) -> bool:
        """:meth:`book` for an API key's usage (``ledger_row`` has ``kind`` usage and ``api_key_id``), merging
        it into the spool's latest ledger row when that row is the same key's ``usage`` row, still ends at
        the weight this change starts from (nothing was booked since), was opened less than
        ``window_seconds`` ago (0: never merge) and the key booked nothing on another spool since. The
        spool's UPDATE, the merge-or-append of the row and the events are ONE statement under the spool's
        lock, so the ledger's sum stays the spool's weight. ``opened_events`` are added only when a new row
        was opened. Returns whether one was."""
        await self._flush_pending()
        extra = set(ledger_row) - set(_LEDGER_KEYS)
        if extra:
            raise ValueError(f"ledger columns the booking statement does not set: {sorted(extra)}")
        stmt = _usage_statement(window_seconds > 0, bool(opened_events))
        params = {
            "match_id": spool.id,
            "match_tenant": spool.tenant_id,
            "grams": grams,
            "ledger_id": uuid.uuid4(),
            **{f"ledger_{key}": ledger_row.get(key) for key in _LEDGER_KEYS},
            "window_seconds": window_seconds,
            **events_params([event]),
        }
        if opened_events:
            params.update(events_params(opened_events, name="opened_events"))
        driver = await session_driver(self.session)
        version, updated_at, _, was_opened = await _one_row(stmt, driver, params)
        set_committed_value(spool, "current_weight", grams)
        set_committed_value(spool, "version", version)
        set_committed_value(spool, "updated_at", updated_at)
        return bool(was_opened)

    async def flush(self) -> None:
        try:
            async with self.session.begin_nested():
                await self.session.flush()
        except IntegrityError as exc:
            if "uq_spools_tenant_id_code" in str(exc.orig):
                raise CodeTaken(str(exc.orig)) from None
            raise

    async def get(
        self, tenant_id: uuid.UUID, spool_id: uuid.UUID, *, for_update: bool = False
    ) -> SpoolRow | None:
        # populate_existing when locked: the locked row's values win over anything this session loaded before.
        stmt = _ONE_LOCKED if for_update else _ONE
        row = (await self.session.execute(stmt, {"spool_id": spool_id, "tenant_id": tenant_id})).first()
        return SpoolRow(row[0], row[1], row[2]) if row is not None else None

    async def page(
        self,
        tenant_id: uuid.UUID,
        filters: SpoolFilters,
        *,
        limit: int,
        offset: int,
        sort: str,
        descending: bool,
    ) -> SpoolPageResult:
        shape = _FilterShape.of(filters)
        params = _filter_params(tenant_id, filters)
        terms = search.parse(filters.q) if filters.q else []
        if not terms:
            return await self._plain_page(
                shape, params, limit=limit, offset=offset, sort=sort, desc=descending
            )
        query = await search_sql.query(self.session, terms)
        where = _filter_terms(shape)

        def matching(*selected: Any) -> Select[Any]:
            return select(*selected).select_from(Spool).where(*where)

        if sort == "relevance":
            return await self._ranked(
                matching, params, query, limit=limit, offset=offset, worst_first=descending
            )
        return await self._sorted_search(
            where, params, query, limit=limit, offset=offset, order=list_order(sort, descending)
        )

    async def _sorted_search(
        self,
        where: list[ColumnElement[bool]],
        params: dict[str, Any],
        query: search.SearchQuery,
        *,
        limit: int,
        offset: int,
        order: list[Any],
    ) -> SpoolPageResult:
        """A page of the matches in a column's order. The planner prices a prefix at 2 % (ADR 0014), so it
        would walk the order's index for a rare one too, reading the whole tenant to find FIL-00's eight
        spools. So the matches are counted first (up to SEARCH_CANDIDATES + 1): many, and the walk meets a
        page of them soon; few, and the page is looked for among the first SEARCH_HEAD spools in the
        order, and when those hold too few of them, taken from all the matches, sorted."""
        document = Spool.search_document
        found = document.bool_op("@@")(search_sql.tsquery(query.match))
        counted = select(Spool.id).where(*where, found).limit(SEARCH_CANDIDATES + 1).subquery()
        total = int(await self.session.scalar(select(func.count()).select_from(counted), params) or 0)
        few = total <= SEARCH_CANDIDATES

        async def page_of(rows: FromClause) -> list[SpoolRecord]:
            """The page of the matches among ``rows`` (a selectable of spools with their documents)."""
            on_rows = ClauseAdapter(rows)
            stmt = (
                select(*(rows.c[c.key] for c in _LOADED))
                .where(on_rows.traverse(found))
                .order_by(*(on_rows.traverse(term) for term in order))
                .limit(limit)
                .offset(offset)
            )
            return [SpoolRecord(*r) for r in await self.session.execute(stmt, params)]

        spools = select(*_LOADED, document).where(*where)
        if not few:  # many: a walk of the order's index meets a page of them soon
            records = await page_of(spools.subquery())
        elif total <= offset:
            records = []
        else:  # few: among the first spools in the order, or else all of them, sorted
            records = await page_of(spools.order_by(*order).limit(SEARCH_HEAD).subquery("head"))
            if len(records) < min(limit, total - offset):
                records = await page_of(spools.where(found).cte("matches").prefix_with("MATERIALIZED"))
        rows = await self._list_rows(records)
        return SpoolPageResult(rows, min(total, SEARCH_CANDIDATES), total > SEARCH_CANDIDATES)

    async def _plain_page(
        self,
        shape: _FilterShape,
        params: dict[str, Any],
        *,
        limit: int,
        offset: int,
        sort: str,
        desc: bool,
    ) -> SpoolPageResult:
        """A page without a search: ONE statement built and compiled once per filter shape and order
        (``_plain_statement``: the page, its types and its capped count), on the driver (db/driver.py):
        building a select, its cache key, ORM loading and SQLAlchemy's row processing cost more CPU than
        the rows themselves (bench/README.md, issue 14; ADR 0028)."""
        statement = _plain_statement(shape, "code" if sort == "relevance" else sort, desc)
        # Counted up to LIST_COUNT_CAP past the offset (a page past it still shows a next page).
        cap = offset + LIST_COUNT_CAP
        params = {**params, "count_limit": cap + 1, "page_limit": limit, "page_offset": offset}
        driver = await session_driver(self.session)
        found = await statement.fetch(driver, params)
        if found:
            total = int(found[0]["total"])
        elif offset == 0:
            total = 0
        else:  # past the last match: the count alone (a page link from before deletions, a guessed offset)
            total = int((await _plain_count(shape).fetchrow(driver, params) or (0,))[0])
        return SpoolPageResult([_view_of(r) for r in found], min(total, cap), total > cap)

    async def export_query(self, tenant_id: uuid.UUID, filters: SpoolFilters) -> Select[Spool]:
        """The spools matching ``filters`` (a search matches as the list's, unranked), for a keyset export."""
        where = _filter_terms(_FilterShape.of(filters))
        terms = search.parse(filters.q) if filters.q else []
        if terms:
            query = await search_sql.query(self.session, terms)
            where.append(Spool.search_document.bool_op("@@")(search_sql.tsquery(query.match)))
        return select(Spool).where(*where).params(_filter_params(tenant_id, filters))

    async def with_types(self, spools: list[Spool]) -> list[SpoolRow]:
        return await self._with_types(spools)

    async def _ranked(
        self,
        matching: Any,
        params: dict[str, Any],
        query: search.SearchQuery,
        *,
        limit: int,
        offset: int,
        worst_first: bool,
    ) -> SpoolPageResult:
        """A page of the best-ranked matches. The candidates are bounded: up to SEARCH_CANDIDATES spools
        where every term matches exactly, then (up to that many in all) those matching by prefix or typo,
        each taken in whatever order the GIN index's bitmap gives, so the cost does not grow with the
        number of matches; only the candidates are scored and sorted, and only the page's rows are read
        back from ``spools`` (docs/adr/0014-spool-search.md)."""
        document = Spool.search_document
        strict_q, match_q = search_sql.tsquery(query.strict), search_sql.tsquery(query.match)
        # Each candidate carries its tie-break (the code) so the page is chosen before the join.
        carried = (Spool.id, document.label("document"), CODE_NUMBER, Spool.code)
        strict = (
            matching(*carried).where(document.bool_op("@@")(strict_q)).limit(SEARCH_CANDIDATES).cte("strict")
        )
        room = SEARCH_CANDIDATES - select(func.count()).select_from(strict).scalar_subquery()
        loose = (
            matching(*carried)
            .where(document.bool_op("@@")(match_q), ~document.bool_op("@@")(strict_q))
            .limit(room)
        )
        candidates = union_all(select(*strict.c), loose).subquery("candidates")
        rank = search_sql.score(candidates.c.document, query).label("rank")
        order = [rank.asc() if worst_first else rank.desc()]
        order += [candidates.c.code_number.asc().nulls_last(), candidates.c.code.asc(), candidates.c.id.asc()]
        ranked = (
            select(candidates.c.id, rank, func.count().over().label("total"))
            .order_by(*order)
            .limit(limit)
            .offset(offset)
            .subquery("ranked")
        )
        page = (
            select(*_LOADED, ranked.c.total)
            .join(ranked, ranked.c.id == Spool.id)
            .order_by(
                ranked.c.rank.asc() if worst_first else ranked.c.rank.desc(),
                CODE_NUMBER.asc().nulls_last(),
                Spool.code.asc(),
                Spool.id.asc(),
            )
        )
        found = (await self.session.execute(page, params)).all()
        if found:
            total = int(found[0][-1])
        elif offset == 0:
            total = 0
        else:  # a page past the end: count the candidates alone
            total = int(await self.session.scalar(select(func.count()).select_from(candidates), params) or 0)
        rows = await self._list_rows([SpoolRecord(*r[:-1]) for r in found])
        return SpoolPageResult(rows, total, total >= SEARCH_CANDIDATES)

    async def _list_rows(self, records: list[SpoolRecord]) -> list[SpoolView]:
        """``records`` with their types' summaries (one statement on the driver, in the transaction a
        statement through the session began)."""
        if not records:
            return []
        type_ids = list({r.filament_type_id for r in records})
        found = await _TYPE_SUMMARIES.fetch(
            await session_driver(self.session), {"filament_type_ids": type_ids}
        )
        types = {t[0]: (FilamentRecord(*t[:4]), t[4]) for t in found}
        return [SpoolView(r, *types[r.filament_type_id]) for r in records]

    async def _with_types(self, spools: list[Spool]) -> list[SpoolRow]:
        types = await self._types_of({s.filament_type_id for s in spools})
        return [SpoolRow(s, *types[s.filament_type_id]) for s in spools]

    async def _types_of(
        self, filament_type_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[FilamentType, MaterialType]]:
        if not filament_type_ids:
            return {}
        found = await self.session.execute(_TYPES_OF, {"filament_type_ids": list(filament_type_ids)})
        return {f.id: (f, m) for f, m in found.all()}

    async def delete(self, spool: Spool) -> None:
        await self.session.execute(delete(Spool).where(Spool.id == spool.id))

    async def low_stock(self, tenant_id: uuid.UUID) -> list[SpoolRow]:
        stmt = (
            _with_type()
            .where(Spool.tenant_id == tenant_id, Spool.is_archived.is_(False), LOW_STOCK)
            .order_by(CODE_NUMBER.asc().nulls_last(), Spool.code)
        )
        return [SpoolRow(r[0], r[1], r[2]) for r in (await self.session.execute(stmt)).all()]


class LedgerRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, **values: Any) -> InventoryTransaction:
        """Append one ledger row (``id`` defaults to a new UUID); returns it as stored."""
        values.setdefault("id", uuid.uuid4())
        return (await self.session.scalars(_ADD_LEDGER_ROW, [values])).one()

    async def count_for_spool(self, spool_id: uuid.UUID) -> int:
        stmt = select(func.count()).where(InventoryTransaction.spool_id == spool_id)
        return int(await self.session.scalar(stmt) or 0)

    async def sum_for_spool(self, spool_id: uuid.UUID) -> Decimal:
        stmt = select(func.coalesce(func.sum(InventoryTransaction.delta), 0)).where(
            InventoryTransaction.spool_id == spool_id
        )
        return Decimal(await self.session.scalar(stmt) or 0)

    async def of_run(
        self, tenant_id: uuid.UUID, run_id: uuid.UUID, spool_id: uuid.UUID, kinds: Sequence[str]
    ) -> list[InventoryTransaction]:
        stmt = (
            select(InventoryTransaction)
            .where(
                InventoryTransaction.tenant_id == tenant_id,
                InventoryTransaction.production_run_id == run_id,
                InventoryTransaction.spool_id == spool_id,
                InventoryTransaction.kind.in_(kinds),
            )
            .order_by(InventoryTransaction.created_at, InventoryTransaction.id)
        )
        return list((await self.session.execute(stmt)).scalars().all())

    async def page(
        self,
        tenant_id: uuid.UUID,
        filters: TransactionFilters,
        *,
        limit: int,
        offset: int,
        descending: bool,
    ) -> tuple[list[tuple[InventoryTransaction, str]], int]:
        """A page of ledger rows, each with its spool's code."""
        where: list[ColumnElement[bool]] = [InventoryTransaction.tenant_id == tenant_id]
        if filters.spool_id is not None:
            where.append(InventoryTransaction.spool_id == filters.spool_id)
        if filters.kind is not None:
            where.append(InventoryTransaction.kind == filters.kind)
        if filters.production_run_id is not None:
            where.append(InventoryTransaction.production_run_id == filters.production_run_id)
        if filters.since is not None:
            where.append(InventoryTransaction.created_at >= filters.since)
        if filters.until is not None:
            where.append(InventoryTransaction.created_at < filters.until)
        order: list[Any] = (
            [InventoryTransaction.created_at.desc(), InventoryTransaction.id.desc()]
            if descending
            else [InventoryTransaction.created_at.asc(), InventoryTransaction.id.asc()]
        )
        stmt = (
            select(InventoryTransaction, Spool.code)
            .join(Spool, Spool.id == InventoryTransaction.spool_id)
            .where(*where)
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )
        rows = [(t, code) for t, code in (await self.session.execute(stmt)).all()]
        total = await self.session.scalar(
            select(func.count()).select_from(InventoryTransaction).where(*where)
        )
        return rows, int(total or 0)
