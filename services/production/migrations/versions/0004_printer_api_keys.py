"""production: a printer can be linked to the API key it reports usage with, and holds a number of slots.

Revision ID: 0004_printer_api_keys
Revises: 0003_run_export_index
Create Date: 2026-12-07

Hand-written and reviewed (docs/adr/0021-printers-follow-their-api-key.md). On ``printers``:

- ``api_key_id uuid NULL``: the id of the auth service's API key the printer's Moonraker/OctoPrint uses on
  the Spoolman-compatible API (production never reads auth's tables; the web app picks it from the user's
  API keys). ``uq_printers_tenant_id_api_key_id`` on ``(tenant_id, api_key_id)``: one printer per key in a
  shop (NULLs are distinct, so any number of printers have none).
- ``last_reported_at timestamptz NULL``, ``last_reported_spool_id uuid NULL``,
  ``last_reported_spool_code varchar(32) NULL``: the latest ``inventory.spool.usage_reported.v1`` applied
  to the printer (an older report is ignored).
- ``slot_count integer NOT NULL DEFAULT 1`` (1..64): how many spools it holds at once, so "the first free
  slot, else replace the first" has a meaning. Every existing printer starts at 1 (a constant default rewrites
  nothing on PostgreSQL ≥ 11); spools already loaded beyond it stay where they are.

Grants are table-wide and RLS is unchanged (same table, same tenant policy).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_printer_api_keys"
down_revision: str | None = "0003_run_export_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "production"


def upgrade() -> None:
    op.add_column("printers", sa.Column("api_key_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.add_column(
        "printers", sa.Column("last_reported_at", sa.DateTime(timezone=True), nullable=True), schema=SCHEMA
    )
    op.add_column("printers", sa.Column("last_reported_spool_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.add_column(
        "printers", sa.Column("last_reported_spool_code", sa.String(32), nullable=True), schema=SCHEMA
    )
    op.add_column(
        "printers",
        sa.Column("slot_count", sa.Integer(), nullable=False, server_default=sa.text("1")),
        schema=SCHEMA,
    )
    # op.f: the names are final (the metadata's naming convention would prefix ck_<table>_ again).
    op.create_check_constraint(
        op.f("ck_printers_slot_count"), "printers", "slot_count between 1 and 64", schema=SCHEMA
    )
    op.create_unique_constraint(
        op.f("uq_printers_tenant_id_api_key_id"), "printers", ["tenant_id", "api_key_id"], schema=SCHEMA
    )


def downgrade() -> None:
    op.drop_constraint(op.f("uq_printers_tenant_id_api_key_id"), "printers", schema=SCHEMA, type_="unique")
    op.drop_constraint(op.f("ck_printers_slot_count"), "printers", schema=SCHEMA, type_="check")
    for column in (
        "slot_count",
        "last_reported_spool_code",
        "last_reported_spool_id",
        "last_reported_at",
        "api_key_id",
    ):
        op.drop_column("printers", column, schema=SCHEMA)
