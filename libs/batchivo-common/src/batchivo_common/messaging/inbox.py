"""The inbox, design §2.5: one row per (consumer, event) already handled, so redeliveries are no-ops.

The row is inserted in the handler's own transaction, so "recorded as done" and "the effect" commit or
roll back together.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, PrimaryKeyConstraint, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_common.db.rls import enable_tenant_rls, grant
from batchivo_common.db.roles import ServiceRoles
from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.messaging.outbox import MigrationOps

TABLE = "inbox"


def _columns() -> list[Column[object] | PrimaryKeyConstraint]:
    return [
        Column("consumer", Text, nullable=False),
        Column("event_id", Uuid, nullable=False),
        Column("tenant_id", Uuid, nullable=False),
        Column("event_type", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    ]


def inbox_table(metadata: MetaData) -> Table:
    return Table(TABLE, metadata, *_columns())


def create_inbox_table(op: MigrationOps, schema: str, roles: ServiceRoles) -> None:
    """Alembic: the table under normal tenant RLS; the app role records and (for retention) deletes."""
    op.create_table(TABLE, *_columns(), schema=schema)
    enable_tenant_rls(op, schema, TABLE)
    grant(op, schema, TABLE, roles.app, "SELECT, INSERT, DELETE")


def drop_inbox_table(op: MigrationOps, schema: str) -> None:
    op.drop_table(TABLE, schema=schema)


async def first_delivery(session: AsyncSession, table: Table, consumer: str, envelope: EventEnvelope) -> bool:
    """Record that ``consumer`` handles ``envelope``; False when it already did (a duplicate)."""
    stmt = (
        insert(table)
        .values(
            consumer=consumer,
            event_id=envelope.event_id,
            tenant_id=envelope.tenant_id,
            event_type=envelope.event_type,
        )
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(table.c.event_id)
    )
    return (await session.execute(stmt)).first() is not None
