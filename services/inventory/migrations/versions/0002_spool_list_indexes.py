"""Spool lists that cost the same at 1,000 and at 100,000 spools per tenant.

The default order (generated codes by number) was an expression computed for every matching row and
sorted in memory; it becomes a stored column with an index that also serves the tenant equality, so a
page reads ~limit rows. The filter indexes carry ``is_archived`` (every list filters on it) so the
``total`` count is an index-only scan.

Revision ID: 0002_spool_list_indexes
Revises: 0001_inventory
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_spool_list_indexes"
down_revision: str | None = "0001_inventory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"
#: ``FIL-042`` → 42; NULL for a code the user chose (sorted after the generated ones).
CODE_NUMBER = r"CAST(substring(code from '^FIL-(\d{1,18})$') AS bigint)"


def upgrade() -> None:
    op.add_column(
        "spools",
        sa.Column("code_number", sa.BigInteger(), sa.Computed(CODE_NUMBER, persisted=True), nullable=True),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_spools_tenant_id_code_number", "spools", ["tenant_id", "code_number", "code", "id"], schema=SCHEMA
    )
    op.drop_index("ix_spools_tenant_id_location", table_name="spools", schema=SCHEMA)
    op.drop_index("ix_spools_tenant_id_filament_type_id", table_name="spools", schema=SCHEMA)
    op.create_index(
        "ix_spools_tenant_id_location_is_archived",
        "spools",
        ["tenant_id", "location", "is_archived"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_spools_tenant_id_filament_type_id_is_archived",
        "spools",
        ["tenant_id", "filament_type_id", "is_archived"],
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_index("ix_spools_tenant_id_filament_type_id_is_archived", table_name="spools", schema=SCHEMA)
    op.drop_index("ix_spools_tenant_id_location_is_archived", table_name="spools", schema=SCHEMA)
    op.create_index(
        "ix_spools_tenant_id_filament_type_id", "spools", ["tenant_id", "filament_type_id"], schema=SCHEMA
    )
    op.create_index("ix_spools_tenant_id_location", "spools", ["tenant_id", "location"], schema=SCHEMA)
    op.drop_index("ix_spools_tenant_id_code_number", table_name="spools", schema=SCHEMA)
    op.drop_column("spools", "code_number", schema=SCHEMA)
