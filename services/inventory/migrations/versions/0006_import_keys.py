"""inventory: ``import_keys``, the natural and external keys of imported rows (docs/adr/0016-import-export.md).

Revision ID: 0006_import_keys
Revises: 0003_messaging_hardening

Hand-written and reviewed. One tenant table: ``(tenant_id, source, kind, external_id) → target_id``, so a
second import of the same file (a CSV ``external_id`` column, a Spoolman spool or filament id) updates the
row the first one made instead of creating another. ENABLE + FORCE RLS with the one tenant policy; the app
role may SELECT, INSERT, UPDATE and DELETE its own rows. ``target_id`` has no foreign key (it names a spool
or a filament type); a key whose target is gone is treated as missing and pointed at the new row.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles

revision: str = "0006_import_keys"
down_revision: str | None = "0005_locations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"


def upgrade() -> None:
    op.create_table(
        "import_keys",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_import_keys"),
        sa.UniqueConstraint(
            "tenant_id",
            "source",
            "kind",
            "external_id",
            name="uq_import_keys_tenant_id_source_kind_external_id",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_import_keys_tenant_id_target_id", "import_keys", ["tenant_id", "target_id"], schema=SCHEMA
    )
    rls.enable_tenant_rls(op, SCHEMA, "import_keys")
    rls.grant(op, SCHEMA, "import_keys", roles().app, "SELECT, INSERT, UPDATE, DELETE")


def downgrade() -> None:
    op.drop_table("import_keys", schema=SCHEMA)
