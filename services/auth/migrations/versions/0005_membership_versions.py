"""auth: memberships get a version, the ETag of ``PATCH /tenant/members/{user_id}``.

Revision ID: 0005_membership_versions
Revises: 0004_api_key_scopes

Hand-written and reviewed (docs/api.md). ``memberships.version integer NOT NULL DEFAULT 1``:
every existing membership starts at 1; a PATCH (a role change) moves it on in its transaction. A constant
default rewrites nothing (PostgreSQL ≥ 11). Grants are table-wide for the app role and RLS is unchanged;
the lookup role's column grants do not include it (the login lookup never reads it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_membership_versions"
down_revision: str | None = "0004_api_key_scopes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"


def upgrade() -> None:
    op.add_column(
        "memberships",
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("memberships", "version", schema=SCHEMA)
