"""catalog: sales channels, product images and the catalog settings get a version, the ETag of their PATCH.

Revision ID: 0004_versions
Revises: 0003_product_images

Hand-written and reviewed (docs/api.md). ``version integer NOT NULL DEFAULT 1`` on
``sales_channels``, ``product_images`` and ``catalog_settings``: every existing row starts at 1 and a PATCH
moves it on in its transaction. A constant default rewrites nothing (PostgreSQL ≥ 11); grants are
table-wide and RLS is unchanged. (Models and products already have theirs.)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_versions"
down_revision: str | None = "0003_product_images"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "catalog"
TABLES = ("sales_channels", "product_images", "catalog_settings")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table,
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
            schema=SCHEMA,
        )


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "version", schema=SCHEMA)
