"""webhooks: finished deliveries are purged after a retention window (the relay role deletes them).

Revision ID: 0002_delivery_retention
Revises: 0001_webhooks
Create Date: 2026-12-07

Hand-written and reviewed. The delivery log grew without end: every event a shop subscribed to left a row
with its payload. The worker now deletes finished deliveries (succeeded or failed) whose last attempt is
older than ``WEBHOOKS_DELIVERY_RETENTION_DAYS``:

- a policy lets the relay role (the dispatcher's) DELETE deliveries of every tenant, but only finished
  ones: a pending delivery can never be purged, whatever the worker's code asks;
- a partial index on ``last_attempt_at`` of the finished rows is what the purge reads.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident
from sqlalchemy import text

revision: str = "0002_delivery_retention"
down_revision: str | None = "0001_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "webhooks"
QUALIFIED = "webhooks.deliveries"


def upgrade() -> None:
    relay_role = roles().relay
    relay = ident(relay_role)
    op.create_index(
        "ix_deliveries_finished_last_attempt_at",
        "deliveries",
        ["last_attempt_at"],
        schema=SCHEMA,
        postgresql_where=text("status <> 'pending'"),
    )
    op.execute(
        f"CREATE POLICY deliveries_relay_purge ON {QUALIFIED} FOR DELETE TO {relay}"
        " USING (status <> 'pending')"
    )
    rls.grant(op, SCHEMA, "deliveries", relay_role, "DELETE")


def downgrade() -> None:
    relay = ident(roles().relay)
    op.execute(f"REVOKE DELETE ON {QUALIFIED} FROM {relay}")
    op.execute(f"DROP POLICY deliveries_relay_purge ON {QUALIFIED}")
    op.drop_index("ix_deliveries_finished_last_attempt_at", "deliveries", schema=SCHEMA)
