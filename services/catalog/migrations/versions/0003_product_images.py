"""catalog: product images take their final shape (docs/adr/0010-product-images.md).

Revision ID: 0003_product_images
Revises: 0002_messaging_hardening

Hand-written and reviewed. ``product_images`` was created by 0001 ahead of its endpoints; RLS (ENABLE +
FORCE, the tenant policy) and the app role's grants on it are unchanged here. In short:

- ``thumbnail_key`` becomes NOT NULL (every image now has a thumbnail); a row from before without one
  points at its image. New ``thumbnail_size_bytes``, ``original_filename``, ``alt_text`` and
  ``updated_at``.
- ``position`` is unique per product, DEFERRABLE INITIALLY DEFERRED so a reorder can swap positions in
  one transaction; existing rows are renumbered 0..n-1 per product first. The plain index on
  ``product_id`` goes: the unique constraint's index starts with it.
- ``size_bytes`` keeps ``> 0`` but loses its 10 MiB ceiling: the limit applies to the upload, and a
  re-encoded PNG may come out larger than what was sent. ``position >= 0``, ``thumbnail_size_bytes > 0``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_product_images"
down_revision: str | None = "0002_messaging_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "catalog"
TABLE = "product_images"


def upgrade() -> None:
    op.execute("UPDATE catalog.product_images SET thumbnail_key = storage_key WHERE thumbnail_key IS NULL")
    op.alter_column(TABLE, "thumbnail_key", nullable=False, schema=SCHEMA)
    op.add_column(TABLE, sa.Column("thumbnail_size_bytes", sa.Integer(), nullable=True), schema=SCHEMA)
    op.execute("UPDATE catalog.product_images SET thumbnail_size_bytes = size_bytes")
    op.alter_column(TABLE, "thumbnail_size_bytes", nullable=False, schema=SCHEMA)
    op.add_column(TABLE, sa.Column("original_filename", sa.String(255), nullable=True), schema=SCHEMA)
    op.add_column(TABLE, sa.Column("alt_text", sa.String(500), nullable=True), schema=SCHEMA)
    op.add_column(
        TABLE,
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )

    op.drop_constraint("ck_product_images_size", TABLE, schema=SCHEMA, type_="check")
    op.create_check_constraint("ck_product_images_size", TABLE, "size_bytes > 0", schema=SCHEMA)
    op.create_check_constraint(
        "ck_product_images_thumbnail_size", TABLE, "thumbnail_size_bytes > 0", schema=SCHEMA
    )
    op.create_check_constraint("ck_product_images_position", TABLE, "position >= 0", schema=SCHEMA)

    # Renumber per product (primary first, then the old order) so the unique constraint can be added.
    op.execute(
        """
        UPDATE catalog.product_images AS i SET position = o.n
        FROM (
            SELECT id, row_number() OVER (
                PARTITION BY product_id ORDER BY is_primary DESC, position, created_at, id
            ) - 1 AS n
            FROM catalog.product_images
        ) AS o
        WHERE i.id = o.id
        """
    )
    op.drop_index("ix_product_images_product_id", TABLE, schema=SCHEMA)
    op.create_unique_constraint(
        "uq_product_images_product_id_position",
        TABLE,
        ["product_id", "position"],
        schema=SCHEMA,
        deferrable=True,
        initially="DEFERRED",
    )


def downgrade() -> None:
    op.drop_constraint("uq_product_images_product_id_position", TABLE, schema=SCHEMA, type_="unique")
    op.create_index("ix_product_images_product_id", TABLE, ["product_id"], schema=SCHEMA)
    op.drop_constraint("ck_product_images_position", TABLE, schema=SCHEMA, type_="check")
    op.drop_constraint("ck_product_images_thumbnail_size", TABLE, schema=SCHEMA, type_="check")
    op.drop_constraint("ck_product_images_size", TABLE, schema=SCHEMA, type_="check")
    # NOT VALID: a row re-encoded past 10 MiB stays (it is not checked), new rows are.
    op.execute(
        f"ALTER TABLE {SCHEMA}.{TABLE} ADD CONSTRAINT ck_product_images_size"
        " CHECK (size_bytes > 0 AND size_bytes <= 10485760) NOT VALID"
    )
    op.drop_column(TABLE, "updated_at", schema=SCHEMA)
    op.drop_column(TABLE, "alt_text", schema=SCHEMA)
    op.drop_column(TABLE, "original_filename", schema=SCHEMA)
    op.drop_column(TABLE, "thumbnail_size_bytes", schema=SCHEMA)
    op.alter_column(TABLE, "thumbnail_key", nullable=True, schema=SCHEMA)
