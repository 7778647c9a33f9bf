"""The inbox, design §2.5: one row per (consumer, event) already handled, so redeliveries are no-ops.

The row is inserted in the handler's own transaction, so "recorded as done" and "the effect" commit or
roll back together. ``aggregate_key`` (which aggregate the event is about) lets an ordered subscription
check that an event's predecessor was applied (``consumer.Ordering``). Rows older than the retention
window are purged by the worker (:func:`purge_inbox`, as the relay role, which may read and delete every
tenant's rows and nothing else).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    Interval,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    bindparam,
    func,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from batchivo_common.db.housekeeping import delete_in_batches
from batchivo_common.db.rls import enable_tenant_rls, grant
from batchivo_common.db.roles import ServiceRoles, ident
from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.messaging.outbox import MigrationOps

log = logging.getLogger("batchivo.inbox")

TABLE = "inbox"
AGGREGATE_INDEX = "ix_inbox_tenant_id_aggregate_key"
PROCESSED_AT_INDEX = "ix_inbox_processed_at"
DEFAULT_RETENTION = timedelta(days=30)


def _columns() -> list[Column[object] | PrimaryKeyConstraint]:
    # The table as the first migration (create_inbox_table) built it; never change it, add in a new helper.
    return [
        Column("consumer", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("tenant_id", Uuid, nullable=False),
        Column("event_type", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    ]


def _aggregate_key() -> Column[str]:
    return Column("aggregate_key", Text, nullable=True)


def inbox_table(metadata: MetaData) -> Table:
    table = Table(TABLE, metadata, *_columns(), _aggregate_key())
    Index(
        AGGREGATE_INDEX,
        table.c.tenant_id,
        table.c.aggregate_key,
        table.c.event_type,
        postgresql_where=table.c.aggregate_key.is_not(None),
    )
    Index(PROCESSED_AT_INDEX, table.c.processed_at)
    return table


def create_inbox_table(op: MigrationOps, schema: str, roles: ServiceRoles) -> None:
    """Alembic: the table under normal tenant RLS; the app role records and (for retention) deletes.

    The first revision of the table; :func:`add_inbox_ordering_and_purge` brings it to the current one.
    """
    op.create_table(TABLE, *_columns(), schema=schema)
    enable_tenant_rls(op, schema, TABLE)
    grant(op, schema, TABLE, roles.app, "SELECT, INSERT, DELETE")


def add_inbox_ordering_and_purge(op: MigrationOps, schema: str, roles: ServiceRoles) -> None:
    """Alembic (after :func:`create_inbox_table`): ``aggregate_key`` + its index, the purge index, and the
    relay role's right to read and delete every tenant's rows (the retention purge)."""
    op.add_column(TABLE, _aggregate_key(), schema=schema)
    op.create_index(
        AGGREGATE_INDEX,
        TABLE,
        ["tenant_id", "aggregate_key", "event_type"],
        schema=schema,
        postgresql_where=text("aggregate_key IS NOT NULL"),
    )
    op.create_index(PROCESSED_AT_INDEX, TABLE, ["processed_at"], schema=schema)
    qualified = f"{ident(schema)}.{ident(TABLE)}"
    op.execute(
        f"CREATE POLICY {TABLE}_relay_read ON {qualified} FOR SELECT TO {ident(roles.relay)} USING (true)"
    )
    op.execute(
        f"CREATE POLICY {TABLE}_relay_purge ON {qualified} FOR DELETE TO {ident(roles.relay)} USING (true)"
    )
    grant(op, schema, TABLE, roles.relay, "SELECT, DELETE")


def drop_inbox_ordering_and_purge(op: MigrationOps, schema: str, roles: ServiceRoles) -> None:
    qualified = f"{ident(schema)}.{ident(TABLE)}"
    op.execute(f"REVOKE SELECT, DELETE ON {qualified} FROM {ident(roles.relay)}")
    op.execute(f"DROP POLICY {TABLE}_relay_purge ON {qualified}")
    op.execute(f"DROP POLICY {TABLE}_relay_read ON {qualified}")
    op.execute(f"DROP INDEX {ident(schema)}.{PROCESSED_AT_INDEX}")
    op.execute(f"DROP INDEX {ident(schema)}.{AGGREGATE_INDEX}")
    op.execute(f"ALTER TABLE {qualified} DROP COLUMN aggregate_key")


def drop_inbox_table(op: MigrationOps, schema: str) -> None:
    op.drop_table(TABLE, schema=schema)


async def first_delivery(
    session: AsyncSession,
    table: Table,
    consumer: str,
    envelope: EventEnvelope,
    *,
    aggregate_key: str | None = None,
) -> bool:
    """Record that ``consumer`` handles ``envelope``; False when it already did (a duplicate)."""
    stmt = (
        insert(table)
        .values(
            consumer=consumer,
            event_id=envelope.event_id,
            tenant_id=envelope.tenant_id,
            event_type=envelope.event_type,
            aggregate_key=aggregate_key,
        )
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(table.c.event_id)
    )
    return (await session.execute(stmt)).first() is not None


async def purge_inbox(
    engine: AsyncEngine, table: Table, retention: timedelta = DEFAULT_RETENTION, *, batch_size: int = 5000
) -> int:
    """Delete rows processed longer ago than ``retention``, in batches; returns how many.

    ``engine`` connects as the relay role (every tenant's rows). Short transactions, so a big backlog never
    holds locks for long; a row deleted twice by two replicas is simply deleted once.
    """
    old = (
        select(table.c.consumer, table.c.event_id)
        .where(table.c.processed_at < func.now() - bindparam("retention", type_=Interval))
        .limit(bindparam("batch", type_=Integer))
    )
    statement = table.delete().where(tuple_(table.c.consumer, table.c.event_id).in_(old))
    return await delete_in_batches(engine, statement, {"retention": retention}, batch_size=batch_size)
