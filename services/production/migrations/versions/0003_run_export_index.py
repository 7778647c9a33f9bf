"""production: an index for the runs export's keyset order.

Revision ID: 0003_run_export_index
Revises: 0002_printer_versions
Create Date: 2026-12-06

Hand-written and reviewed. ``GET /api/v1/production/export/runs.jsonl`` pages by ``(created_at, id)``
within a tenant (``WHERE (created_at, id) > (:a, :b) ORDER BY created_at, id LIMIT n``;
``batchivo_common.cursor``). ``ix_production_runs_tenant_id_created_at_id`` on ``(tenant_id, created_at,
id)`` answers each page with one index walk of the page's rows instead of sorting every run of the tenant.
No table, no policy and no grant change (an index inherits the table's RLS and privileges).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003_run_export_index"
down_revision: str | None = "0002_printer_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "production"


def upgrade() -> None:
    op.create_index(
        "ix_production_runs_tenant_id_created_at_id",
        "production_runs",
        ["tenant_id", "created_at", "id"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("ix_production_runs_tenant_id_created_at_id", table_name="production_runs", schema=SCHEMA)
