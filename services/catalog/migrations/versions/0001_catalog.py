"""catalog: settings, filament-type read model, models + BOM, products + bundles, channels + prices,
images, run contributions, the stock ledger; RLS, grants; outbox, inbox.

Revision ID: 0001_catalog
Revises:
Create Date: 2026-12-05

Hand-written and reviewed (docs/adr/0009-catalog-costing.md). In short:

- Every table carries ``tenant_id`` and has ENABLE + FORCE RLS with the one tenant policy; ``outbox``:
  the app role may only INSERT its tenant's rows.
- ``stock_movements`` is append-only by grants (SELECT, INSERT); ``run_contributions`` has no UPDATE
  (a revert deletes the run's rows).
- ``product_images`` exists now so the image endpoints need no second migration.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident
from batchivo_common.messaging.inbox import create_inbox_table, drop_inbox_table
from batchivo_common.messaging.outbox import create_outbox_table, drop_outbox_table
from sqlalchemy.dialects import postgresql

revision: str = "0001_catalog"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "catalog"
KINDS = "kind in ('production', 'revert', 'assemble', 'adjustment')"
SEARCH = (
    "to_tsvector('simple', sku || ' ' || replace(sku, '-', ' ') || ' ' || name || ' '"
    " || coalesce(description, ''))"
)
TABLES = (
    "catalog_settings",
    "filament_types",
    "models",
    "model_materials",
    "model_components",
    "products",
    "product_models",
    "product_children",
    "sales_channels",
    "product_prices",
    "product_images",
    "run_contributions",
    "stock_movements",
)


def _id() -> list[sa.Column[object]]:
    return [sa.Column("id", sa.Uuid(), nullable=False), sa.Column("tenant_id", sa.Uuid(), nullable=False)]


def _ts(*names: str) -> list[sa.Column[object]]:
    return [
        sa.Column(n, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()) for n in names
    ]


def _fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{SCHEMA}.{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    r = roles()
    app = ident(r.app)

    op.create_table(
        "catalog_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("labor_rate_per_hour", sa.Numeric(10, 2), nullable=False, server_default=sa.text("10")),
        sa.Column("overhead_pct", sa.Numeric(5, 2), nullable=False, server_default=sa.text("0")),
        sa.Column("price_multiplier", sa.Numeric(6, 3), nullable=False, server_default=sa.text("2.5")),
        *_ts("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_catalog_settings"),
        sa.CheckConstraint("labor_rate_per_hour >= 0", name="ck_catalog_settings_labor_rate"),
        sa.CheckConstraint("overhead_pct >= 0 AND overhead_pct <= 1000", name="ck_catalog_settings_overhead"),
        sa.CheckConstraint("price_multiplier >= 0", name="ck_catalog_settings_multiplier"),
        schema=SCHEMA,
    )
    op.create_table(
        "filament_types",
        *_id(),
        sa.Column("material_code", sa.String(32), nullable=False),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("color_name", sa.String(100), nullable=False),
        sa.Column("color_hex", sa.String(7), nullable=True),
        sa.Column("cost_per_gram", sa.Numeric(12, 4), nullable=True),
        sa.Column("cost_is_estimate", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("aggregate_version", sa.Integer(), nullable=False),
        *_ts("updated_at"),
        # Keyed per tenant: an event naming another tenant's id can never reach that tenant's row.
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_filament_types"),
        schema=SCHEMA,
    )

    op.create_table(
        "models",
        *_id(),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("print_time_minutes", sa.Integer(), nullable=True),
        sa.Column("prints_per_plate", sa.Integer(), nullable=False, server_default=sa.text("1")),
        sa.Column("labor_minutes", sa.Numeric(10, 2), nullable=False, server_default=sa.text("0")),
        sa.Column("labor_rate_override", sa.Numeric(10, 2), nullable=True),
        sa.Column("overhead_pct_override", sa.Numeric(5, 2), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("units_in_stock", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        *_ts("created_at", "updated_at"),
        sa.Column("search", postgresql.TSVECTOR(), sa.Computed(SEARCH, persisted=True)),
        sa.PrimaryKeyConstraint("id", name="pk_models"),
        sa.CheckConstraint("prints_per_plate >= 1", name="ck_models_prints_per_plate"),
        sa.CheckConstraint(
            "print_time_minutes IS NULL OR print_time_minutes >= 0", name="ck_models_print_time"
        ),
        sa.CheckConstraint("labor_minutes >= 0", name="ck_models_labor_minutes"),
        sa.CheckConstraint("units_in_stock >= 0", name="ck_models_units_in_stock"),
        sa.CheckConstraint("length(sku) > 0", name="ck_models_sku"),
        schema=SCHEMA,
    )
    # SKUs stay unique among live models; a soft-deleted model frees its SKU.
    op.execute(
        f"CREATE UNIQUE INDEX uq_models_tenant_id_sku ON {SCHEMA}.models (tenant_id, upper(sku))"
        " WHERE deleted_at IS NULL"
    )
    op.create_index("ix_models_search", "models", ["search"], postgresql_using="gin", schema=SCHEMA)
    op.create_index("ix_models_tenant_id_created_at", "models", ["tenant_id", "created_at"], schema=SCHEMA)
    # The default order of a list: a page walks this index instead of sorting the tenant's rows.
    op.create_index("ix_models_tenant_id_sku", "models", ["tenant_id", "sku", "id"], schema=SCHEMA)

    op.create_table(
        "model_materials",
        *_id(),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("filament_type_id", sa.Uuid(), nullable=False),
        sa.Column("grams", sa.Numeric(12, 2), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_model_materials"),
        _fk("model_materials", "model_id", "models", "CASCADE"),
        sa.UniqueConstraint(
            "model_id", "filament_type_id", name="uq_model_materials_model_id_filament_type_id"
        ),
        sa.CheckConstraint("grams > 0", name="ck_model_materials_grams"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_model_materials_tenant_id_filament_type_id",
        "model_materials",
        ["tenant_id", "filament_type_id"],
        schema=SCHEMA,
    )
    op.create_table(
        "model_components",
        *_id(),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("unit_cost", sa.Numeric(12, 4), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("id", name="pk_model_components"),
        _fk("model_components", "model_id", "models", "CASCADE"),
        sa.CheckConstraint("quantity > 0", name="ck_model_components_quantity"),
        sa.CheckConstraint("unit_cost >= 0", name="ck_model_components_unit_cost"),
        schema=SCHEMA,
    )
    op.create_index("ix_model_components_model_id", "model_components", ["model_id"], schema=SCHEMA)
    op.create_index("ix_model_materials_model_id", "model_materials", ["model_id"], schema=SCHEMA)

    op.create_table(
        "products",
        *_id(),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("packaging_cost", sa.Numeric(12, 2), nullable=False, server_default=sa.text("0")),
        sa.Column("assembly_minutes", sa.Numeric(10, 2), nullable=False, server_default=sa.text("0")),
        sa.Column(
            "categories", postgresql.ARRAY(sa.String(64)), nullable=False, server_default=sa.text("'{}'")
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        sa.Column("units_in_stock", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        *_ts("created_at", "updated_at"),
        sa.Column("search", postgresql.TSVECTOR(), sa.Computed(SEARCH, persisted=True)),
        sa.PrimaryKeyConstraint("id", name="pk_products"),
        sa.CheckConstraint("packaging_cost >= 0", name="ck_products_packaging_cost"),
        sa.CheckConstraint("assembly_minutes >= 0", name="ck_products_assembly_minutes"),
        sa.CheckConstraint("units_in_stock >= 0", name="ck_products_units_in_stock"),
        sa.CheckConstraint("length(sku) > 0", name="ck_products_sku"),
        schema=SCHEMA,
    )
    op.execute(f"CREATE UNIQUE INDEX uq_products_tenant_id_sku ON {SCHEMA}.products (tenant_id, upper(sku))")
    op.create_index("ix_products_search", "products", ["search"], postgresql_using="gin", schema=SCHEMA)
    op.create_index(
        "ix_products_categories", "products", ["categories"], postgresql_using="gin", schema=SCHEMA
    )
    op.create_index(
        "ix_products_tenant_id_created_at", "products", ["tenant_id", "created_at"], schema=SCHEMA
    )
    op.create_index("ix_products_tenant_id_sku", "products", ["tenant_id", "sku", "id"], schema=SCHEMA)
    op.create_table(
        "product_models",
        *_id(),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_product_models"),
        _fk("product_models", "product_id", "products", "CASCADE"),
        _fk("product_models", "model_id", "models"),
        sa.UniqueConstraint("product_id", "model_id", name="uq_product_models_product_id_model_id"),
        sa.CheckConstraint("quantity > 0", name="ck_product_models_quantity"),
        schema=SCHEMA,
    )
    op.create_index("ix_product_models_model_id", "product_models", ["model_id"], schema=SCHEMA)
    op.create_table(
        "product_children",
        *_id(),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("child_product_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_product_children"),
        _fk("product_children", "product_id", "products", "CASCADE"),
        _fk("product_children", "child_product_id", "products"),
        sa.UniqueConstraint(
            "product_id", "child_product_id", name="uq_product_children_product_id_child_product_id"
        ),
        sa.CheckConstraint("quantity > 0", name="ck_product_children_quantity"),
        sa.CheckConstraint("product_id <> child_product_id", name="ck_product_children_not_self"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_product_children_child_product_id", "product_children", ["child_product_id"], schema=SCHEMA
    )

    op.create_table(
        "sales_channels",
        *_id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("platform", sa.String(50), nullable=True),
        sa.Column("fee_pct", sa.Numeric(5, 2), nullable=False, server_default=sa.text("0")),
        sa.Column("fixed_fee", sa.Numeric(12, 2), nullable=False, server_default=sa.text("0")),
        sa.Column("monthly_cost", sa.Numeric(12, 2), nullable=False, server_default=sa.text("0")),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        *_ts("created_at", "updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_sales_channels"),
        sa.UniqueConstraint("tenant_id", "name", name="uq_sales_channels_tenant_id_name"),
        sa.CheckConstraint("fee_pct >= 0 AND fee_pct <= 100", name="ck_sales_channels_fee_pct"),
        sa.CheckConstraint("fixed_fee >= 0 AND monthly_cost >= 0", name="ck_sales_channels_fees"),
        schema=SCHEMA,
    )
    op.create_table(
        "product_prices",
        *_id(),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("sales_channel_id", sa.Uuid(), nullable=False),
        sa.Column("price", sa.Numeric(12, 2), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_product_prices"),
        _fk("product_prices", "product_id", "products", "CASCADE"),
        _fk("product_prices", "sales_channel_id", "sales_channels", "CASCADE"),
        sa.UniqueConstraint(
            "product_id", "sales_channel_id", name="uq_product_prices_product_id_sales_channel_id"
        ),
        sa.CheckConstraint("price >= 0", name="ck_product_prices_price"),
        schema=SCHEMA,
    )
    op.create_table(
        "product_images",
        *_id(),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("storage_key", sa.String(500), nullable=False),
        sa.Column("thumbnail_key", sa.String(500), nullable=True),
        sa.Column("content_type", sa.String(50), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("is_primary", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        *_ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_product_images"),
        _fk("product_images", "product_id", "products", "CASCADE"),
        sa.CheckConstraint(
            "content_type in ('image/jpeg', 'image/png', 'image/webp')", name="ck_product_images_content_type"
        ),
        sa.CheckConstraint("width > 0 AND height > 0", name="ck_product_images_dimensions"),
        sa.CheckConstraint("size_bytes > 0 AND size_bytes <= 10485760", name="ck_product_images_size"),
        schema=SCHEMA,
    )
    op.create_index("ix_product_images_product_id", "product_images", ["product_id"], schema=SCHEMA)
    # At most one primary image per product.
    op.execute(
        f"CREATE UNIQUE INDEX uq_product_images_primary ON {SCHEMA}.product_images (product_id)"
        " WHERE is_primary"
    )

    op.create_table(
        "run_contributions",
        *_id(),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("successful_units", sa.Integer(), nullable=False),
        sa.Column("actual_unit_cost", sa.Numeric(12, 4), nullable=True),
        *_ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_run_contributions"),
        _fk("run_contributions", "model_id", "models", "CASCADE"),
        sa.UniqueConstraint(
            "tenant_id", "run_id", "model_id", name="uq_run_contributions_tenant_id_run_id_model_id"
        ),
        sa.CheckConstraint("successful_units >= 0", name="ck_run_contributions_units"),
        sa.CheckConstraint(
            "actual_unit_cost IS NULL OR actual_unit_cost >= 0", name="ck_run_contributions_cost"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_run_contributions_model_id", "run_contributions", ["model_id"], schema=SCHEMA)

    op.create_table(
        "stock_movements",
        *_id(),
        sa.Column("model_id", sa.Uuid(), nullable=True),
        sa.Column("product_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("units_before", sa.Integer(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("units_after", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("production_run_id", sa.Uuid(), nullable=True),
        sa.Column("source_event_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("clock_timestamp()"),
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stock_movements"),
        _fk("stock_movements", "model_id", "models", "CASCADE"),
        _fk("stock_movements", "product_id", "products", "CASCADE"),
        sa.CheckConstraint(KINDS, name="ck_stock_movements_kind"),
        sa.CheckConstraint("units_after = units_before + delta", name="ck_stock_movements_arithmetic"),
        sa.CheckConstraint("units_after >= 0", name="ck_stock_movements_units_after"),
        sa.CheckConstraint("(model_id IS NULL) <> (product_id IS NULL)", name="ck_stock_movements_one_item"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_stock_movements_tenant_id_model_id", "stock_movements", ["tenant_id", "model_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_stock_movements_tenant_id_product_id",
        "stock_movements",
        ["tenant_id", "product_id"],
        schema=SCHEMA,
    )

    # --- row-level security and grants -------------------------------------------------------------------
    for table in TABLES:
        rls.enable_tenant_rls(op, SCHEMA, table)
    for table in TABLES:
        if table == "stock_movements":
            rls.grant(op, SCHEMA, table, app, "SELECT, INSERT")  # append-only
        elif table == "run_contributions":
            rls.grant(op, SCHEMA, table, app, "SELECT, INSERT, DELETE")
        else:
            rls.grant(op, SCHEMA, table, app, "SELECT, INSERT, UPDATE, DELETE")

    create_outbox_table(op, SCHEMA, r)
    create_inbox_table(op, SCHEMA, r)


def downgrade() -> None:
    drop_inbox_table(op, SCHEMA)
    drop_outbox_table(op, SCHEMA)
    for table in reversed(TABLES):
        op.drop_table(table, schema=SCHEMA)
