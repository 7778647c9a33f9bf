"""inventory: material types, filament types, spools, code counters, the ledger; RLS, grants; outbox, inbox.

Revision ID: 0001_inventory
Revises:
Create Date: 2026-11-26

Hand-written and reviewed (docs/adr/0005-inventory-ledger.md). In short:

- ``material_types`` holds the 8 global rows (``tenant_id`` NULL, seeded here) and tenant rows. Its policies
  are split: everyone reads globals and their own rows; INSERT/UPDATE/DELETE only touch their own rows, so
  a global row can be neither changed nor deleted by the app role.
- ``filament_types``, ``spools``, ``spool_code_counters``, ``inventory_transactions``, ``inbox``: ENABLE +
  FORCE RLS with the one tenant policy; ``outbox``: the app role may only INSERT its tenant's rows.
- The ledger is append-only by grants: the app role gets SELECT, INSERT on ``inventory_transactions`` and
  nothing else. (The only way a ledger row disappears is the FK cascade of a spool hard delete, which the
  service allows only for a spool whose single row is its purchase.)
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident
from batchivo_common.messaging.inbox import create_inbox_table, drop_inbox_table
from batchivo_common.messaging.outbox import create_outbox_table, drop_outbox_table

revision: str = "0001_inventory"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"
KINDS = "kind in ('purchase', 'usage', 'waste', 'adjustment', 'return')"

#: code, name, density g/cm³, typical cost per kg, extruder min, extruder max, bed (domain.md §2).
GLOBAL_MATERIALS = (
    ("PLA", "PLA", "1.24", "20", 190, 220, 60),
    ("PETG", "PETG", "1.27", "25", 230, 250, 80),
    ("ABS", "ABS", "1.04", "22", 230, 260, 100),
    ("TPU", "TPU", "1.21", "35", 210, 230, 50),
    ("ASA", "ASA", "1.07", "30", 240, 260, 100),
    ("NYLON", "Nylon", "1.14", "40", 240, 270, 80),
    ("PCTG", "PCTG", "1.23", "28", 240, 260, 80),
    ("PC", "Polycarbonate", "1.20", "45", 260, 300, 110),
)


def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    ]


def _grams(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Numeric(12, 2), nullable=nullable)


def upgrade() -> None:
    r = roles()
    app = ident(r.app)
    tenant = rls.TENANT_EXPR

    # --- material types (global + tenant rows) ----------------------------------------------------------
    op.create_table(
        "material_types",
        sa.Column("id", sa.Uuid(), nullable=False, server_default=sa.text("gen_random_uuid()")),
        sa.Column("tenant_id", sa.Uuid(), nullable=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("density", sa.Numeric(6, 3), nullable=True),
        sa.Column("typical_cost_per_kg", sa.Numeric(10, 2), nullable=True),
        sa.Column("extruder_temp_min", sa.Integer(), nullable=True),
        sa.Column("extruder_temp_max", sa.Integer(), nullable=True),
        sa.Column("bed_temp", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_material_types"),
        sa.CheckConstraint("density IS NULL OR density > 0", name="ck_material_types_density"),
        sa.CheckConstraint(
            "typical_cost_per_kg IS NULL OR typical_cost_per_kg >= 0", name="ck_material_types_cost"
        ),
        schema=SCHEMA,
    )
    # One code per owner (globals share the NULL owner): NULLS NOT DISTINCT needs PostgreSQL 15.
    op.execute(
        f"CREATE UNIQUE INDEX uq_material_types_tenant_id_code ON {SCHEMA}.material_types"
        " (tenant_id, upper(code)) NULLS NOT DISTINCT"
    )
    # Seeded before RLS is forced: not even the owner may write a global row afterwards.
    seed = sa.table(
        "material_types",
        *(sa.column(c) for c in ("code", "name", "density", "typical_cost_per_kg")),
        *(sa.column(c) for c in ("extruder_temp_min", "extruder_temp_max", "bed_temp")),
        schema=SCHEMA,
    )
    op.bulk_insert(
        seed,
        [
            {
                "code": code,
                "name": name,
                "density": Decimal(density),
                "typical_cost_per_kg": Decimal(cost),
                "extruder_temp_min": t_min,
                "extruder_temp_max": t_max,
                "bed_temp": bed,
            }
            for code, name, density, cost, t_min, t_max, bed in GLOBAL_MATERIALS
        ],
    )
    op.execute(f"ALTER TABLE {SCHEMA}.material_types ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {SCHEMA}.material_types FORCE ROW LEVEL SECURITY")
    op.execute(
        f"CREATE POLICY material_types_read ON {SCHEMA}.material_types FOR SELECT"
        f" USING (tenant_id IS NULL OR tenant_id = {tenant})"
    )
    op.execute(
        f"CREATE POLICY material_types_insert ON {SCHEMA}.material_types FOR INSERT"
        f" WITH CHECK (tenant_id = {tenant})"
    )
    op.execute(
        f"CREATE POLICY material_types_update ON {SCHEMA}.material_types FOR UPDATE"
        f" USING (tenant_id = {tenant}) WITH CHECK (tenant_id = {tenant})"
    )
    op.execute(
        f"CREATE POLICY material_types_delete ON {SCHEMA}.material_types FOR DELETE"
        f" USING (tenant_id = {tenant})"
    )
    # --- filament types ----------------------------------------------------------------------------------
    op.create_table(
        "filament_types",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("material_type_id", sa.Uuid(), nullable=False),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("color_name", sa.String(100), nullable=False),
        sa.Column("color_hex", sa.String(7), nullable=True),
        sa.Column("finish", sa.String(50), nullable=True),
        sa.Column("diameter_mm", sa.Numeric(4, 2), nullable=False, server_default=sa.text("1.75")),
        sa.Column("density", sa.Numeric(6, 3), nullable=True),
        sa.Column("extruder_temp", sa.Integer(), nullable=True),
        sa.Column("bed_temp", sa.Integer(), nullable=True),
        _grams("min_stock_grams"),
        sa.Column("low_stock_notified", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        *_timestamps(),
        sa.Column(
            "search",
            sa.dialects.postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('simple', brand || ' ' || color_name)", persisted=True),
        ),
        sa.PrimaryKeyConstraint("id", name="pk_filament_types"),
        sa.UniqueConstraint(
            "tenant_id",
            "material_type_id",
            "brand",
            "color_name",
            name="uq_filament_types_tenant_id_material_type_id_brand_color_name",
        ),
        sa.ForeignKeyConstraint(
            ["material_type_id"],
            [f"{SCHEMA}.material_types.id"],
            name="fk_filament_types_material_type_id_material_types",
        ),
        sa.CheckConstraint(
            "color_hex IS NULL OR color_hex ~ '^#[0-9A-Fa-f]{6}$'", name="ck_filament_types_color_hex"
        ),
        sa.CheckConstraint("diameter_mm > 0", name="ck_filament_types_diameter"),
        sa.CheckConstraint("min_stock_grams >= 0", name="ck_filament_types_min_stock"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_filament_types_search", "filament_types", ["search"], postgresql_using="gin", schema=SCHEMA
    )

    # --- spools --------------------------------------------------------------------------------------------
    op.create_table(
        "spools",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("filament_type_id", sa.Uuid(), nullable=False),
        _grams("initial_weight"),
        _grams("current_weight"),
        _grams("empty_spool_weight", nullable=True),
        sa.Column("purchase_price", sa.Numeric(12, 2), nullable=True),
        sa.Column("purchase_date", sa.Date(), nullable=True),
        sa.Column("supplier", sa.String(200), nullable=True),
        sa.Column("location", sa.String(100), nullable=True),
        sa.Column("lot_number", sa.String(100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_archived", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("low_stock_threshold_pct", sa.Numeric(5, 2), nullable=False, server_default=sa.text("20")),
        sa.Column("low_stock_notified", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        *_timestamps(),
        sa.Column(
            "search",
            sa.dialects.postgresql.TSVECTOR(),
            sa.Computed(
                "to_tsvector('simple', code || ' ' || replace(code, '-', ' ') || ' ' || coalesce(location, '')"
                " || ' ' || coalesce(lot_number, ''))",
                persisted=True,
            ),
        ),
        sa.PrimaryKeyConstraint("id", name="pk_spools"),
        sa.UniqueConstraint("tenant_id", "code", name="uq_spools_tenant_id_code"),
        sa.ForeignKeyConstraint(
            ["filament_type_id"],
            [f"{SCHEMA}.filament_types.id"],
            name="fk_spools_filament_type_id_filament_types",
        ),
        sa.CheckConstraint("initial_weight > 0", name="ck_spools_initial_weight"),
        sa.CheckConstraint("current_weight >= 0", name="ck_spools_current_weight"),
        sa.CheckConstraint("empty_spool_weight IS NULL OR empty_spool_weight >= 0", name="ck_spools_tare"),
        sa.CheckConstraint("purchase_price IS NULL OR purchase_price >= 0", name="ck_spools_price"),
        sa.CheckConstraint(
            "low_stock_threshold_pct >= 0 AND low_stock_threshold_pct <= 100", name="ck_spools_threshold"
        ),
        sa.CheckConstraint("length(code) > 0", name="ck_spools_code"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_spools_tenant_id_filament_type_id", "spools", ["tenant_id", "filament_type_id"], schema=SCHEMA
    )
    op.create_index("ix_spools_tenant_id_location", "spools", ["tenant_id", "location"], schema=SCHEMA)
    op.create_index("ix_spools_tenant_id_is_archived", "spools", ["tenant_id", "is_archived"], schema=SCHEMA)
    op.create_index("ix_spools_created_at", "spools", ["created_at"], schema=SCHEMA)
    op.create_index("ix_spools_search", "spools", ["search"], postgresql_using="gin", schema=SCHEMA)

    # --- per-tenant code sequence ----------------------------------------------------------------------------
    op.create_table(
        "spool_code_counters",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_spool_code_counters"),
        sa.CheckConstraint("next_value > 0", name="ck_spool_code_counters_next_value"),
        schema=SCHEMA,
    )

    # --- the ledger ------------------------------------------------------------------------------------------
    op.create_table(
        "inventory_transactions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("spool_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        _grams("grams_before"),
        _grams("delta"),
        _grams("grams_after"),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("source_event_id", sa.Uuid(), nullable=True),
        sa.Column("production_run_id", sa.Uuid(), nullable=True),
        sa.Column("reversal_of_id", sa.Uuid(), nullable=True),
        # clock_timestamp(): rows written in one transaction still get increasing times (the ledger's order).
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("clock_timestamp()"),
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inventory_transactions"),
        sa.ForeignKeyConstraint(
            ["spool_id"],
            [f"{SCHEMA}.spools.id"],
            name="fk_inventory_transactions_spool_id_spools",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reversal_of_id"],
            [f"{SCHEMA}.inventory_transactions.id"],
            name="fk_inventory_transactions_reversal_of_id_inventory_transactions",
        ),
        # Natural key of event-driven rows (NULLs stay distinct, so manual rows are unaffected).
        sa.UniqueConstraint(
            "tenant_id",
            "source_event_id",
            "spool_id",
            "kind",
            name="uq_inventory_transactions_source_event",
        ),
        sa.CheckConstraint(KINDS, name="ck_inventory_transactions_kind"),
        sa.CheckConstraint("grams_after = grams_before + delta", name="ck_inventory_transactions_arithmetic"),
        sa.CheckConstraint("grams_after >= 0", name="ck_inventory_transactions_grams_after"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_inventory_transactions_tenant_id_spool_id",
        "inventory_transactions",
        ["tenant_id", "spool_id", "created_at"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_inventory_transactions_tenant_id_production_run_id",
        "inventory_transactions",
        ["tenant_id", "production_run_id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_inventory_transactions_created_at", "inventory_transactions", ["created_at"], schema=SCHEMA
    )

    # --- row-level security and grants -------------------------------------------------------------------
    for table in ("filament_types", "spools", "spool_code_counters", "inventory_transactions"):
        rls.enable_tenant_rls(op, SCHEMA, table)
    rls.grant(op, SCHEMA, "material_types", app, "SELECT, INSERT, UPDATE, DELETE")
    rls.grant(op, SCHEMA, "filament_types", app, "SELECT, INSERT, UPDATE, DELETE")
    rls.grant(op, SCHEMA, "spools", app, "SELECT, INSERT, UPDATE, DELETE")
    rls.grant(op, SCHEMA, "spool_code_counters", app, "SELECT, INSERT, UPDATE")
    # Append-only: no UPDATE, no DELETE.
    rls.grant(op, SCHEMA, "inventory_transactions", app, "SELECT, INSERT")

    create_outbox_table(op, SCHEMA, r)
    create_inbox_table(op, SCHEMA, r)


def downgrade() -> None:
    drop_inbox_table(op, SCHEMA)
    drop_outbox_table(op, SCHEMA)
    for table in (
        "inventory_transactions",
        "spool_code_counters",
        "spools",
        "filament_types",
        "material_types",
    ):
        op.drop_table(table, schema=SCHEMA)
