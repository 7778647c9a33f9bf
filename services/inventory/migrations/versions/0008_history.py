"""inventory: the shop-wide ledger's keyset index and the per-shop ``inventory_settings`` (money).

Revision ID: 0008_history
Revises: 0003_messaging_hardening

Hand-written and reviewed. In short:

- ``ix_inventory_transactions_tenant_id_created_at_id`` on ``(tenant_id, created_at, id)``: the shop-wide
  ledger (``GET /inventory/transactions``) pages by keyset on ``(created_at, id)`` newest first; a page walks
  this index backwards from the cursor and reads ~limit rows whatever the size of the ledger. The date-range
  filter uses the same index. ``ix_inventory_transactions_tenant_id_run_reason`` (partial, run rows only)
  finds a run's rows by the number its reason carries (``run=<number>``).
- ``inventory_settings``: one row per shop (``tenant_id`` is the key): the shop's currency as the web app
  confirmed it and the rate that converts the global material types' EUR defaults into it. ENABLE + FORCE
  RLS with the one tenant policy; the app role may SELECT, INSERT, UPDATE.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident

revision: str = "0008_history"
down_revision: str | None = "0007_filament_type_barcodes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"


def upgrade() -> None:
    op.create_index(
        "ix_inventory_transactions_tenant_id_created_at_id",
        "inventory_transactions",
        ["tenant_id", "created_at", "id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_inventory_transactions_tenant_id_run_reason",
        "inventory_transactions",
        ["tenant_id", "reason"],
        schema=SCHEMA,
        postgresql_where=sa.text("production_run_id IS NOT NULL"),
    )
    op.create_table(
        "inventory_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("currency_code", sa.String(3), nullable=True),
        sa.Column("rate_from_eur", sa.Numeric(14, 6), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_inventory_settings"),
        sa.CheckConstraint("currency_code ~ '^[A-Z]{3}$'", name="ck_inventory_settings_currency_code"),
        sa.CheckConstraint("rate_from_eur > 0", name="ck_inventory_settings_rate_from_eur"),
        schema=SCHEMA,
    )
    rls.enable_tenant_rls(op, SCHEMA, "inventory_settings")
    rls.grant(op, SCHEMA, "inventory_settings", ident(roles().app), "SELECT, INSERT, UPDATE")


def downgrade() -> None:
    op.drop_table("inventory_settings", schema=SCHEMA)
    op.drop_index(
        "ix_inventory_transactions_tenant_id_run_reason", table_name="inventory_transactions", schema=SCHEMA
    )
    op.drop_index(
        "ix_inventory_transactions_tenant_id_created_at_id",
        table_name="inventory_transactions",
        schema=SCHEMA,
    )
