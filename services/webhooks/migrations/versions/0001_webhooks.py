"""webhooks: endpoints (secret envelope-encrypted) and deliveries; RLS, grants; inbox.

Revision ID: 0001_webhooks
Revises:
Create Date: 2026-12-06

Hand-written and reviewed (docs/adr/0019-webhooks.md). In short:

- ``endpoints`` and ``deliveries`` carry ``tenant_id`` and have ENABLE + FORCE RLS with the one tenant
  policy for the app role (the API and the event handler, which creates deliveries).
- The dispatcher claims due deliveries of every tenant, so the relay role gets SELECT and UPDATE on both
  tables through policies of its own (no INSERT, no DELETE: only the app role, under its tenant, creates or
  deletes anything).
- ``deliveries`` is unique on ``(endpoint_id, event_id)``: a redelivered broker message adds nothing.
- A partial index on ``next_attempt_at`` of the pending rows is what the dispatcher's claim reads.
- No outbox: the service publishes no events.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident
from batchivo_common.messaging.inbox import (
    add_inbox_ordering_and_purge,
    create_inbox_table,
    drop_inbox_ordering_and_purge,
    drop_inbox_table,
)
from sqlalchemy.dialects import postgresql

revision: str = "0001_webhooks"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "webhooks"
TABLES = ("endpoints", "deliveries")


def _now(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _at(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    r = roles()
    app, relay = ident(r.app), ident(r.relay)

    op.create_table(
        "endpoints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("description", sa.String(500), nullable=True),
        sa.Column("event_types", postgresql.ARRAY(sa.String(255)), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("secret_key_id", sa.String(64), nullable=False),
        sa.Column("secret_wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("secret_nonce", sa.LargeBinary(), nullable=False),
        sa.Column("secret_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("secret_hint", sa.String(8), nullable=False),
        sa.Column("previous_secret_nonce", sa.LargeBinary(), nullable=True),
        sa.Column("previous_secret_ciphertext", sa.LargeBinary(), nullable=True),
        _at("previous_secret_expires_at"),
        _at("disabled_at"),
        sa.Column("disabled_reason", sa.String(500), nullable=True),
        _at("failing_since"),
        _now("created_at"),
        _now("updated_at"),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.PrimaryKeyConstraint("id", name="pk_endpoints"),
        sa.CheckConstraint("cardinality(event_types) >= 1", name="ck_endpoints_event_types"),
        sa.CheckConstraint("length(url) > 0", name="ck_endpoints_url"),
        sa.CheckConstraint(
            "(previous_secret_ciphertext IS NULL) = (previous_secret_nonce IS NULL)",
            name="ck_endpoints_previous_secret",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_endpoints_tenant_id_created_at", "endpoints", ["tenant_id", "created_at"], schema=SCHEMA
    )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("event_type", sa.String(255), nullable=False),
        sa.Column("payload", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default=sa.text("'pending'")),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        _at("next_attempt_at"),
        _at("window_started_at"),
        _at("last_attempt_at"),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_latency_ms", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("response_snippet", sa.Text(), nullable=True),
        _now("created_at"),
        _at("delivered_at"),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            [f"{SCHEMA}.endpoints.id"],
            name="fk_deliveries_endpoint_id_endpoints",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("endpoint_id", "event_id", name="uq_deliveries_endpoint_id_event_id"),
        sa.CheckConstraint("status in ('pending', 'succeeded', 'failed')", name="ck_deliveries_status"),
        sa.CheckConstraint("attempts >= 0", name="ck_deliveries_attempts"),
        sa.CheckConstraint(
            "response_snippet IS NULL OR length(response_snippet) <= 500", name="ck_deliveries_snippet"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_deliveries_endpoint_id_created_at", "deliveries", ["endpoint_id", "created_at"], schema=SCHEMA
    )
    op.create_index(
        "ix_deliveries_due",
        "deliveries",
        ["next_attempt_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending'"),
    )

    # --- row-level security and grants -------------------------------------------------------------------
    for table in TABLES:
        rls.enable_tenant_rls(op, SCHEMA, table)
        rls.grant(op, SCHEMA, table, app, "SELECT, INSERT, UPDATE, DELETE")
        # The dispatcher (relay role) reads and updates every tenant's rows; it never inserts or deletes.
        qualified = f"{SCHEMA}.{table}"
        op.execute(f"CREATE POLICY {table}_relay_select ON {qualified} FOR SELECT TO {relay} USING (true)")
        op.execute(
            f"CREATE POLICY {table}_relay_update ON {qualified} FOR UPDATE TO {relay}"
            " USING (true) WITH CHECK (true)"
        )
        rls.grant(op, SCHEMA, table, relay, "SELECT, UPDATE")
    create_inbox_table(op, SCHEMA, r)
    add_inbox_ordering_and_purge(op, SCHEMA, r)


def downgrade() -> None:
    r = roles()
    drop_inbox_ordering_and_purge(op, SCHEMA, r)
    drop_inbox_table(op, SCHEMA)
    for table in reversed(TABLES):
        op.drop_table(table, schema=SCHEMA)
