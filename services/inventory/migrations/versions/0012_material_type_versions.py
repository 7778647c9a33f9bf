"""inventory: material types get a version, the ETag of ``PATCH /material-types/{id}``.

Revision ID: 0012_material_type_versions
Revises: 0011_spool_list_scale

Hand-written and reviewed (docs/api.md). ``material_types.version integer NOT NULL DEFAULT 1``:
every existing row (global or a tenant's) starts at 1; a PATCH moves it on in its transaction. Adding a
column with a constant default rewrites nothing (PostgreSQL ≥ 11). Grants are table-wide and RLS is
unchanged, so the app role reads and updates it like the other columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_material_type_versions"
down_revision: str | None = "0011_spool_list_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"


def upgrade() -> None:
    op.add_column(
        "material_types",
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("material_types", "version", schema=SCHEMA)
