"""production: printers get a version, the ETag of ``PATCH /printers/{id}``.

Revision ID: 0002_printer_versions
Revises: 0001_production

Hand-written and reviewed (docs/api.md). ``printers.version integer NOT NULL DEFAULT 1``: every
existing printer starts at 1; a PATCH moves it on in its transaction. A constant default rewrites nothing
(PostgreSQL ≥ 11); grants are table-wide and RLS is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_printer_versions"
down_revision: str | None = "0001_production"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "production"


def upgrade() -> None:
    op.add_column(
        "printers",
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("printers", "version", schema=SCHEMA)
