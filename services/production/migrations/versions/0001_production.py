"""production: printers and loaded spools, spool and model read models, runs with items and material
lines, the run-number counter; RLS, grants; outbox, inbox.

Revision ID: 0001_production
Revises:
Create Date: 2026-12-06

Hand-written and reviewed (docs/adr/0012-production.md). In short:

- Every table carries ``tenant_id`` and has ENABLE + FORCE RLS with the one tenant policy; ``outbox``:
  the app role may only INSERT its tenant's rows.
- The read models (``spools``, ``models``, ``model_materials``) are keyed ``(tenant_id, id)``: an event that
  names another tenant's id can never reach that tenant's row.
- ``run_counters`` hands out ``RUN-YYYYMMDD-NNN`` per tenant and day; the app role never deletes from it, so
  a number is never handed out twice.
- The outbox and inbox are created at their current shape (parking, aggregate key, relay purge).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident
from batchivo_common.messaging.inbox import (
    add_inbox_ordering_and_purge,
    create_inbox_table,
    drop_inbox_ordering_and_purge,
    drop_inbox_table,
)
from batchivo_common.messaging.outbox import (
    add_outbox_parking,
    create_outbox_table,
    drop_outbox_parking,
    drop_outbox_table,
)
from sqlalchemy.dialects import postgresql

revision: str = "0001_production"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "production"
STATUSES = "status in ('planned', 'in_progress', 'completed', 'failed', 'cancelled')"
DEDUCTIONS = "deduction_status in ('none', 'pending', 'applied', 'discrepancy')"
TABLES = (
    "printers",
    "printer_spools",
    "spools",
    "models",
    "model_materials",
    "run_counters",
    "production_runs",
    "run_items",
    "run_materials",
)


def _now(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _grams(name: str, *, nullable: bool = True, default: str | None = None) -> sa.Column[object]:
    return sa.Column(
        name,
        sa.Numeric(12, 2),
        nullable=nullable,
        server_default=sa.text(default) if default is not None else None,
    )


def upgrade() -> None:
    r = roles()
    app = ident(r.app)

    op.create_table(
        "printers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("manufacturer", sa.String(100), nullable=True),
        sa.Column("model", sa.String(100), nullable=True),
        sa.Column("nozzle_diameter_mm", sa.Numeric(4, 2), nullable=True),
        sa.Column("build_volume", sa.String(50), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.text("true")),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_printers"),
        sa.CheckConstraint("length(name) > 0", name="ck_printers_name"),
        schema=SCHEMA,
    )
    op.create_index("ix_printers_tenant_id_name", "printers", ["tenant_id", "name"], schema=SCHEMA)

    op.create_table(
        "printer_spools",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("printer_id", sa.Uuid(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("spool_id", sa.Uuid(), nullable=False),
        _now("loaded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_printer_spools"),
        sa.ForeignKeyConstraint(
            ["printer_id"],
            [f"{SCHEMA}.printers.id"],
            name="fk_printer_spools_printer_id_printers",
            ondelete="CASCADE",
        ),
        # One spool per slot, and a spool in at most one printer.
        sa.UniqueConstraint(
            "tenant_id", "printer_id", "slot", name="uq_printer_spools_tenant_id_printer_id_slot"
        ),
        sa.UniqueConstraint("tenant_id", "spool_id", name="uq_printer_spools_tenant_id_spool_id"),
        sa.CheckConstraint("slot >= 0", name="ck_printer_spools_slot"),
        schema=SCHEMA,
    )

    op.create_table(
        "spools",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("filament_type_id", sa.Uuid(), nullable=False),
        sa.Column("material_code", sa.String(32), nullable=False),
        sa.Column("brand", sa.String(100), nullable=False),
        sa.Column("color_name", sa.String(100), nullable=False),
        sa.Column("current_weight", sa.Numeric(12, 2), nullable=False),
        sa.Column("cost_per_gram", sa.Numeric(12, 4), nullable=True),
        sa.Column("is_archived", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("aggregate_version", sa.Integer(), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_spools"),
        schema=SCHEMA,
    )
    op.create_table(
        "models",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_deleted", sa.Boolean(), nullable=False, server_default=sa.text("false")),
        sa.Column("prints_per_plate", sa.Integer(), nullable=False),
        sa.Column("print_time_minutes", sa.Integer(), nullable=True),
        sa.Column("aggregate_version", sa.Integer(), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id", name="pk_models"),
        schema=SCHEMA,
    )
    op.create_table(
        "model_materials",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("filament_type_id", sa.Uuid(), nullable=False),
        sa.Column("grams", sa.Numeric(12, 2), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "model_id", "filament_type_id", name="pk_model_materials"),
        schema=SCHEMA,
    )

    op.create_table(
        "run_counters",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "day", name="pk_run_counters"),
        sa.CheckConstraint("last_number >= 1", name="ck_run_counters_last_number"),
        schema=SCHEMA,
    )
    op.create_table(
        "production_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("run_number", sa.String(32), nullable=False),
        sa.Column("printer_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_hours", sa.Numeric(8, 2), nullable=True),
        sa.Column("estimated_print_time_hours", sa.Numeric(8, 2), nullable=True),
        sa.Column("slicer", sa.String(100), nullable=True),
        sa.Column("nozzle_temp", sa.Integer(), nullable=True),
        sa.Column("bed_temp", sa.Integer(), nullable=True),
        sa.Column("quality_rating", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("original_run_id", sa.Uuid(), nullable=True),
        sa.Column("cost_per_gram_actual", sa.Numeric(14, 6), nullable=True),
        sa.Column("deduction_status", sa.String(16), nullable=False, server_default=sa.text("'none'")),
        sa.Column("deduction_event_id", sa.Uuid(), nullable=True),
        sa.Column("deduction", postgresql.JSONB(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1")),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_production_runs"),
        sa.ForeignKeyConstraint(
            ["printer_id"],
            [f"{SCHEMA}.printers.id"],
            name="fk_production_runs_printer_id_printers",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("tenant_id", "run_number", name="uq_production_runs_tenant_id_run_number"),
        sa.CheckConstraint(STATUSES, name="ck_production_runs_status"),
        sa.CheckConstraint(DEDUCTIONS, name="ck_production_runs_deduction_status"),
        sa.CheckConstraint(
            "quality_rating IS NULL OR quality_rating BETWEEN 1 AND 5", name="ck_production_runs_quality"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_production_runs_tenant_id_status", "production_runs", ["tenant_id", "status"], schema=SCHEMA
    )
    op.create_index(
        "ix_production_runs_tenant_id_run_date", "production_runs", ["tenant_id", "run_date"], schema=SCHEMA
    )
    op.create_table(
        "run_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("model_id", sa.Uuid(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("successful_quantity", sa.Integer(), nullable=True),
        sa.Column("failed_quantity", sa.Integer(), nullable=True),
        sa.Column("bed_position", sa.String(50), nullable=True),
        sa.Column("bom_grams_per_unit", sa.Numeric(12, 2), nullable=True),
        sa.Column("actual_unit_cost", sa.Numeric(12, 4), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_run_items"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            [f"{SCHEMA}.production_runs.id"],
            name="fk_run_items_run_id_production_runs",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("quantity >= 1", name="ck_run_items_quantity"),
        # The sum of good and failed units never exceeds the planned quantity (domain.md §4).
        sa.CheckConstraint(
            "coalesce(successful_quantity, 0) >= 0 AND coalesce(failed_quantity, 0) >= 0"
            " AND coalesce(successful_quantity, 0) + coalesce(failed_quantity, 0) <= quantity",
            name="ck_run_items_outcome",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_run_items_run_id", "run_items", ["run_id"], schema=SCHEMA)
    op.create_index("ix_run_items_tenant_id_model_id", "run_items", ["tenant_id", "model_id"], schema=SCHEMA)
    op.create_table(
        "run_materials",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("spool_id", sa.Uuid(), nullable=False),
        _grams("estimated_model_grams", nullable=False, default="0"),
        _grams("estimated_flush_grams", nullable=False, default="0"),
        _grams("estimated_tower_grams", nullable=False, default="0"),
        _grams("weight_before"),
        _grams("weight_after"),
        _grams("actual_model_grams"),
        _grams("actual_flush_grams"),
        _grams("actual_tower_grams"),
        sa.Column("cost_per_gram", sa.Numeric(12, 4), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_run_materials"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            [f"{SCHEMA}.production_runs.id"],
            name="fk_run_materials_run_id_production_runs",
            ondelete="CASCADE",
        ),
        # One line per spool in a run.
        sa.UniqueConstraint("run_id", "spool_id", name="uq_run_materials_run_id_spool_id"),
        sa.CheckConstraint(
            "estimated_model_grams >= 0 AND estimated_flush_grams >= 0 AND estimated_tower_grams >= 0",
            name="ck_run_materials_estimates",
        ),
        sa.CheckConstraint(
            "weight_before IS NULL OR weight_after IS NULL OR weight_after <= weight_before",
            name="ck_run_materials_weighing",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_run_materials_tenant_id_spool_id", "run_materials", ["tenant_id", "spool_id"], schema=SCHEMA
    )

    # --- row-level security and grants -------------------------------------------------------------------
    for table in TABLES:
        rls.enable_tenant_rls(op, SCHEMA, table)
        if table == "run_counters":
            rls.grant(op, SCHEMA, table, app, "SELECT, INSERT, UPDATE")  # numbers are never given back
        else:
            rls.grant(op, SCHEMA, table, app, "SELECT, INSERT, UPDATE, DELETE")
    create_outbox_table(op, SCHEMA, r)
    add_outbox_parking(op, SCHEMA)
    create_inbox_table(op, SCHEMA, r)
    add_inbox_ordering_and_purge(op, SCHEMA, r)


def downgrade() -> None:
    r = roles()
    drop_inbox_ordering_and_purge(op, SCHEMA, r)
    drop_inbox_table(op, SCHEMA)
    drop_outbox_parking(op, SCHEMA)
    drop_outbox_table(op, SCHEMA)
    for table in reversed(TABLES):
        op.drop_table(table, schema=SCHEMA)
