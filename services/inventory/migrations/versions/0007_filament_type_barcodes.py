"""inventory: ``filament_type_barcodes``, manufacturer retail codes remembered per filament type.

Revision ID: 0007_filament_type_barcodes
Revises: 0003_messaging_hardening

Hand-written. One row per (tenant, code): a scanned EAN/UPC names at most one filament type of a shop
(docs/adr/0017-camera-scan-and-labels.md). Codes are stored normalized (13 digits; 8 for EAN-8) by the
service; the CHECK keeps anything else out. Deleting a filament type deletes its codes. Tenant RLS
(ENABLE + FORCE, the one tenant policy) and SELECT/INSERT/DELETE for the app role: a code is never edited,
only forgotten and remembered again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident

revision: str = "0007_filament_type_barcodes"
down_revision: str | None = "0006_import_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"
TABLE = "filament_type_barcodes"


def upgrade() -> None:
    app = ident(roles().app)
    op.create_table(
        TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("filament_type_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(13), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_filament_type_barcodes"),
        sa.UniqueConstraint("tenant_id", "code", name="uq_filament_type_barcodes_tenant_id_code"),
        sa.ForeignKeyConstraint(
            ["filament_type_id"],
            [f"{SCHEMA}.filament_types.id"],
            name="fk_filament_type_barcodes_filament_type_id_filament_types",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("code ~ '^([0-9]{8}|[0-9]{13})$'", name="ck_filament_type_barcodes_code"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_filament_type_barcodes_tenant_id_filament_type_id",
        TABLE,
        ["tenant_id", "filament_type_id"],
        schema=SCHEMA,
    )
    rls.enable_tenant_rls(op, SCHEMA, TABLE)
    rls.grant(op, SCHEMA, TABLE, app, "SELECT, INSERT, DELETE")


def downgrade() -> None:
    op.drop_table(TABLE, schema=SCHEMA)
