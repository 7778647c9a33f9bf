"""catalog: outbox parking, inbox aggregate key and retention purge (docs/adr/0003-event-bus.md).

Revision ID: 0002_messaging_hardening
Revises: 0001_catalog

Hand-written and reviewed. In short:

- ``outbox.parked_at`` (NULL) plus a partial index on parked rows: the relay parks a row the broker keeps
  refusing, so it no longer blocks later rows. The relay role's existing SELECT/UPDATE cover it.
- ``inbox.aggregate_key`` (NULL) plus an index on ``(tenant_id, aggregate_key, event_type)`` for the ordering
  check of ordered subscriptions, and an index on ``processed_at`` for the retention purge.
- The relay role may SELECT and DELETE every tenant's inbox rows (two policies, FOR SELECT and FOR DELETE):
  the worker purges rows older than the retention window with it. The app role's rights are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from batchivo_common.db.migrations import roles
from batchivo_common.messaging.inbox import add_inbox_ordering_and_purge, drop_inbox_ordering_and_purge
from batchivo_common.messaging.outbox import add_outbox_parking, drop_outbox_parking

revision: str = "0002_messaging_hardening"
down_revision: str | None = "0001_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "catalog"


def upgrade() -> None:
    add_outbox_parking(op, SCHEMA)
    add_inbox_ordering_and_purge(op, SCHEMA, roles())


def downgrade() -> None:
    drop_inbox_ordering_and_purge(op, SCHEMA, roles())
    drop_outbox_parking(op, SCHEMA)
