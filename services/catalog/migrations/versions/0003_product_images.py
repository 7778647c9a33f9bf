"""catalog: product images take their final shape (docs/adr/0010-product-images.md).

Revision ID: 0003_product_images
Revises: 0002_messaging_hardening

Hand-written and reviewed. ``product_images`` was created by 0001 ahead of its endpoints; RLS (ENABLE +
FORCE, the tenant policy) and the app role's grants on it are unchanged: FORCE is lifted only inside the
upgrade's transaction, for its data fixes, and restored before it commits. In short:

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
OLD_SIZE_CHECK = "ck_product_images_ck_product_images_size"


def upgrade() -> None:
    # The migration role owns the table, and FORCE makes the tenant policy apply to it too: with no tenant
    # set it would see (and update) no row. NO FORCE for the data fixes below, FORCE again at the end;
    # one transaction, so no other session ever sees the table without it.
    op.execute("ALTER TABLE catalog.product_images NO FORCE ROW LEVEL SECURITY")
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

    # 0001 named its checks through the metadata's naming convention, which prefixes ck_<table>_ again.
    op.drop_constraint(op.f(OLD_SIZE_CHECK), TABLE, schema=SCHEMA, type_="check")
    op.create_check_constraint(op.f("ck_product_images_size"), TABLE, "size_bytes > 0", schema=SCHEMA)
    op.create_check_constraint(
        op.f("ck_product_images_thumbnail_size"), TABLE, "thumbnail_size_bytes > 0", schema=SCHEMA
    )
    op.create_check_constraint(op.f("ck_product_images_position"), TABLE, "position >= 0", schema=SCHEMA)

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
    op.drop_index(op.f("ix_product_images_product_id"), TABLE, schema=SCHEMA)
    op.create_unique_constraint(
        op.f("uq_product_images_product_id_position"),
        TABLE,
        ["product_id", "position"],
        schema=SCHEMA,
        deferrable=True,
        initially="DEFERRED",
    )
    op.execute("ALTER TABLE catalog.product_images FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    op.drop_constraint(op.f("uq_product_images_product_id_position"), TABLE, schema=SCHEMA, type_="unique")
    op.create_index(op.f("ix_product_images_product_id"), TABLE, ["product_id"], schema=SCHEMA)
    op.drop_constraint(op.f("ck_product_images_position"), TABLE, schema=SCHEMA, type_="check")
    op.drop_constraint(op.f("ck_product_images_thumbnail_size"), TABLE, schema=SCHEMA, type_="check")
    op.drop_constraint(op.f("ck_product_images_size"), TABLE, schema=SCHEMA, type_="check")
    # NOT VALID: a row re-encoded past 10 MiB stays (it is not checked), new rows are.
    op.execute(
        f"ALTER TABLE catalog.product_images ADD CONSTRAINT {OLD_SIZE_CHECK}"
        " CHECK (size_bytes > 0 AND size_bytes <= 10485760) NOT VALID"
    )
    op.drop_column(TABLE, "updated_at", schema=SCHEMA)
    op.drop_column(TABLE, "alt_text", schema=SCHEMA)
    op.drop_column(TABLE, "original_filename", schema=SCHEMA)
    op.drop_column(TABLE, "thumbnail_size_bytes", schema=SCHEMA)
    op.alter_column(TABLE, "thumbnail_key", nullable=True, schema=SCHEMA)
