"""The transactional outbox, design §2.4: one table per service schema, written in the caller's transaction.

The API process never talks to RabbitMQ; it inserts the envelope here, in the same transaction as the state
change, and the relay (``relay.py``) publishes it after the commit.

A row the broker keeps refusing (nacked, too large, malformed) is *parked* by the relay: ``parked_at`` set,
``last_error`` kept, skipped from then on so it blocks no later row. :func:`unpark` (``scripts/
redrive_dlq.py --unpark-outbox``) puts it back in line.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import (
    CTE,
    BigInteger,
    Column,
    ColumnElement,
    DateTime,
    FromClause,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Select,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from batchivo_common.db.rls import enable_outbox_rls
from batchivo_common.db.roles import ServiceRoles, ident
from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.observability.tracing import inject_context

TABLE = "outbox"
UNPUBLISHED_INDEX = "ix_outbox_unpublished"
PARKED_INDEX = "ix_outbox_parked"


class MigrationOps(Protocol):
    """The part of Alembic's ``op`` (module or :class:`alembic.operations.Operations`) the helpers use."""

    def create_table(self, table_name: str, *columns: Any, **kw: Any) -> Any: ...
    def create_index(self, index_name: str | None, table_name: str, columns: Any, **kw: Any) -> Any: ...
    def drop_table(self, table_name: str, **kw: Any) -> Any: ...
    def add_column(self, table_name: str, column: Any, **kw: Any) -> Any: ...
    def execute(self, sqltext: str) -> object: ...


def notify_channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel that wakes ``schema``'s relay."""
    return f"{ident(schema)}_outbox"


def _columns() -> list[Any]:
    # One definition for the model (outbox_table) and the migrations (create_outbox_table, then
    # add_outbox_parking), so autogenerate finds no difference between them. This is the table as the first
    # migration built it: never change it; later columns come from their own helper.
    return [
        Column("id", BigInteger, Identity(always=False), nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("tenant_id", Uuid, nullable=False),
        Column("event_type", Text, nullable=False),
        Column("routing_key", Text, nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("headers", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        PrimaryKeyConstraint("id", name="pk_outbox"),
        UniqueConstraint("event_id", name="uq_outbox_event_id"),
    ]


def _parked_at() -> Column[Any]:
    return Column("parked_at", DateTime(timezone=True), nullable=True)


def outbox_table(metadata: MetaData) -> Table:
    """The outbox in ``metadata.schema`` (write to it with :func:`add_event` only, see there)."""
    table = Table(TABLE, metadata, *_columns(), _parked_at())
    Index(UNPUBLISHED_INDEX, table.c.id, postgresql_where=table.c.published_at.is_(None))
    Index(PARKED_INDEX, table.c.id, postgresql_where=table.c.parked_at.is_not(None))
    return table


def create_outbox_table(op: MigrationOps, schema: str, roles: ServiceRoles) -> None:
    """Alembic: the table, its partial index, RLS (app: INSERT own tenant; relay: all rows) and grants."""
    op.create_table(TABLE, *_columns(), schema=schema)
    op.create_index(
        UNPUBLISHED_INDEX, TABLE, ["id"], schema=schema, postgresql_where=text("published_at IS NULL")
    )
    # Identity columns need no grant on their sequence, so INSERT is all the app role gets.
    enable_outbox_rls(op, schema, roles)


def add_outbox_parking(op: MigrationOps, schema: str) -> None:
    """Alembic (after :func:`create_outbox_table`): ``parked_at`` and its partial index. The relay role's
    UPDATE/SELECT grants cover the new column; the app role still only INSERTs."""
    op.add_column(TABLE, _parked_at(), schema=schema)
    op.create_index(
        PARKED_INDEX, TABLE, ["id"], schema=schema, postgresql_where=text("parked_at IS NOT NULL")
    )


def drop_outbox_parking(op: MigrationOps, schema: str) -> None:
    op.execute(f"DROP INDEX {ident(schema)}.{PARKED_INDEX}")
    op.execute(f"ALTER TABLE {ident(schema)}.{TABLE} DROP COLUMN parked_at")


def drop_outbox_table(op: MigrationOps, schema: str) -> None:
    op.drop_table(TABLE, schema=schema)


async def unpark(conn: AsyncConnection, table: Table, ids: list[int] | None = None) -> int:
    """Put parked rows (all, or ``ids``) back in line with a fresh attempt budget; returns how many.

    Run as the relay role (the only one that may update the outbox). The row keeps its ``id``, so it is
    published before any later row that is still waiting; ``last_error`` stays for the record.
    """
    stmt = update(table).where(table.c.parked_at.is_not(None), table.c.published_at.is_(None))
    if ids is not None:
        stmt = stmt.where(table.c.id.in_(ids))
    result = await conn.execute(stmt.values(parked_at=None, attempts=0))
    return int(result.rowcount or 0)


def event_headers(envelope: EventEnvelope) -> dict[str, str]:
    """AMQP headers stored with the row: the writer's trace context plus tenant and correlation (§2.3)."""
    headers: dict[str, str] = {}
    inject_context(headers)
    headers["x-tenant-id"] = str(envelope.tenant_id)
    if envelope.correlation_id is not None:
        headers["x-correlation-id"] = envelope.correlation_id
    return headers


#: Six bound values per event: 1,000 events stay far below PostgreSQL's 32,767 parameters per statement.
EVENTS_PER_STATEMENT = 1_000


async def add_event(session: AsyncSession, table: Table, envelope: EventEnvelope) -> None:
    """Insert ``envelope`` in the session's current transaction and wake the relay on commit.

    RLS checks that ``envelope.tenant_id`` is the transaction's tenant. NOTIFY is transactional, so the
    relay is woken only if, and when, the caller commits.
    """
    await _insert_and_notify(session, table, [_row(envelope)])


async def add_events(session: AsyncSession, table: Table, envelopes: Sequence[EventEnvelope]) -> None:
    """:func:`add_event` for many events, in order, one statement per :data:`EVENTS_PER_STATEMENT` of them.
    For bulk writes (an import of thousands of rows), where a round trip per event would dominate."""
    for start in range(0, len(envelopes), EVENTS_PER_STATEMENT):
        chunk = envelopes[start : start + EVENTS_PER_STATEMENT]
        await _insert_and_notify(session, table, [_row(e) for e in chunk])


def _row(envelope: EventEnvelope) -> dict[str, Any]:
    return {
        "event_id": envelope.event_id,
        "tenant_id": envelope.tenant_id,
        "event_type": envelope.event_type,
        "routing_key": envelope.routing_key,
        "envelope": envelope.model_dump(mode="json"),
        "headers": event_headers(envelope),
    }


#: The columns an event row is inserted with (the others are the database's defaults).
_COLUMNS = ("event_id", "tenant_id", "event_type", "routing_key", "envelope", "headers")


def events_cte(
    table: Table,
    envelopes: Sequence[EventEnvelope] | None,
    *,
    only_with: FromClause | None = None,
    name: str = "added_events",
    envelope_from: Mapping[tuple[str, ...], ColumnElement[Any]] | None = None,
) -> CTE:
    """The outbox INSERT of ``envelopes`` as a data-modifying CTE, for a statement that also changes the
    state the events describe (add it with ``add_cte`` and select :func:`relay_wakeup` in the same
    statement): the change, its events and the relay's wake-up in one round trip, one atomic statement.

    ``envelopes=None`` leaves the rows as bound parameters, for a statement built once and run with
    :func:`events_params` (a hot path then pays neither building the statement nor its cache key).
    ``only_with``: a one-row CTE of the same statement (say an INSERT ... ON CONFLICT DO NOTHING RETURNING):
    the events are inserted only when it has its row. ``name``: the CTE's name, when one statement adds
    two sets of events (say one always, one ``only_with``). ``envelope_from``: values of the envelope that
    only the statement knows, each a JSON path (``("data", "code")``) set from a column of ``only_with``
    (a number the same statement drew, say): the envelope is built with a placeholder there."""
    if envelope_from and only_with is None:
        raise ValueError("envelope_from takes its values from the only_with row")
    rows = None if envelopes is None else [_row(e) for e in envelopes]
    return _added_events(table, rows, only_with, name, envelope_from or {})


def events_params(envelopes: Sequence[EventEnvelope], name: str = "added_events") -> dict[str, list[Any]]:
    """The values of the bound parameters of :func:`events_cte` built with ``envelopes=None`` (and the
    same ``name``)."""
    rows = [_row(e) for e in envelopes]
    prefix = _parameter_prefix(name)
    return {f"{prefix}_{column}": [row[column] for row in rows] for column in _COLUMNS}


def _parameter_prefix(name: str) -> str:
    # Two event CTEs in one statement need distinct parameter names.
    return "outbox" if name == "added_events" else name


def relay_wakeup(table: Table) -> ColumnElement[Any]:
    """``pg_notify`` of the relay's channel, to select beside :func:`events_cte` (NOTIFY is transactional:
    the relay wakes only if, and when, the transaction commits)."""
    return func.pg_notify(notify_channel(_schema_of(table)), "")


@functools.lru_cache(maxsize=64)
def _insert_and_notify_statement(table: Table) -> Select[Any]:
    # One round trip: the INSERT rides as a data-modifying CTE of the NOTIFY's SELECT. Built once per
    # outbox table; the rows are its parameters.
    return select(relay_wakeup(table)).add_cte(_added_events(table, None, None))


async def _insert_and_notify(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    params = {f"outbox_{name}": [row[name] for row in rows] for name in _COLUMNS}
    await session.execute(_insert_and_notify_statement(table), params)


def _added_events(
    table: Table,
    rows: list[dict[str, Any]] | None,
    only_with: FromClause | None,
    name: str = "added_events",
    envelope_from: Mapping[tuple[str, ...], ColumnElement[Any]] | None = None,
) -> CTE:
    # PostgreSQL runs a data-modifying CTE exactly once, to completion, whether or not the query reads it.
    # The rows travel as one array per column, unnested in order (so the identity column numbers them in
    # order): one statement shape for any number of rows, compiled once and cached. A multi-row VALUES is
    # never cached by SQLAlchemy (no cache key): it was compiled on every call, ~0.3 s for 1,000 events and
    # a fifth of a `use`'s CPU for one. inline(): the app role may INSERT but neither SELECT (RETURNING) nor
    # use the identity's sequence directly, so the id is left entirely to the column default.
    prefix = _parameter_prefix(name)

    def parameter(column: str) -> Any:
        kind = ARRAY(table.c[column].type)
        if rows is None:
            return bindparam(f"{prefix}_{column}", type_=kind)
        return bindparam(f"{prefix}_{column}", value=[row[column] for row in rows], type_=kind)

    def value(column: str) -> ColumnElement[Any]:
        unnested: ColumnElement[Any] = func.unnest(parameter(column))
        if column == "envelope":
            for path, source in (envelope_from or {}).items():
                unnested = func.jsonb_set(unnested, _json_path(path), func.to_jsonb(source))
        return unnested

    source = select(*[value(column).label(column) for column in _COLUMNS])
    if only_with is not None:
        source = source.select_from(only_with)
    return insert(table).inline().from_select(list(_COLUMNS), source).cte(name)


def _json_path(path: tuple[str, ...]) -> ColumnElement[Any]:
    # Written into the statement (it is fixed per statement, and a DriverQuery binds literals as given).
    if not path or not all(key.isidentifier() for key in path):
        raise ValueError(f"an envelope path is a tuple of plain keys, not {path!r}")
    return literal_column("'{" + ",".join(path) + "}'::text[]")


def _schema_of(table: Table) -> str:
    if table.schema is None:
        raise ValueError("the outbox table must live in the service's schema (MetaData(schema=...))")
    return table.schema
