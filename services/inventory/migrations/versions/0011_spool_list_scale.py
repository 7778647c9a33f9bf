"""inventory: an index per order of the spool list, so every sort reads ~limit rows at any tenant size.

Revision ID: 0011_spool_list_scale
Revises: 0010_import_sources

Hand-written and reviewed (docs/adr/0018-spool-list-scale.md). A list page walks the index of its order
from the tenant's first entry and stops after ``offset + limit`` matching rows; without one, a sort read
and sorted every spool of the tenant (100,000 at the big tenant of ``bench/inventory_api.py``).

- NOT NULL orders (``created_at``, ``current_weight``, ``remaining_pct`` = ``current_weight /
  initial_weight``) get one ascending index each with ``id`` as the tie-breaker; the descending sort is the
  same index scanned backwards (the list orders by ``id`` in the sort's direction and, on these columns,
  without a NULLS clause).
- Nullable orders (``code_number``, ``location``, ``purchase_date``) keep spools without a value last in
  both directions, which a backward scan cannot give: each gets a ``DESC NULLS LAST`` twin.
  ``ix_spools_tenant_id_location_is_archived`` (nothing filters on ``location`` equality since 0005's
  ``location_key``) becomes the ascending ``location`` order.
- ``ix_spools_created_at`` (all tenants, from 0001) goes: nothing reads spools by time across tenants, and
  the planner walked it backwards for a tenant's ``-created_at`` page, skipping every newer spool of other
  tenants; ``(tenant_id, created_at, id)`` serves that sort.
- ``low_stock=true`` (``current_weight * 100 < low_stock_threshold_pct * initial_weight``, three columns)
  gets a partial index on ``(tenant_id, is_archived)``: its count is index-only (it was a heap scan,
  sequential at the big tenant), and a shop with few low spools finds them without walking the others.
  The service writes the condition with the literal 100 so the planner proves the predicate.
- The cost: ``current_weight`` is now indexed, so an update of the weight (use, weigh) is no longer a HOT
  update and writes a new entry into each of the table's indexes (measured in the ADR).

Built plainly (not CONCURRENTLY): Alembic runs each migration in a transaction; a large installation can
pre-create them CONCURRENTLY under the same names before upgrading (``IF NOT EXISTS`` below).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_spool_list_scale"
down_revision: str | None = "0010_import_sources"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"

#: name → the indexed columns and expressions (after tenant_id).
ORDER_INDEXES = {
    "ix_spools_tenant_id_code_number_desc": "code_number DESC NULLS LAST, code DESC, id DESC",
    "ix_spools_tenant_id_created_at_id": "created_at, id",
    "ix_spools_tenant_id_current_weight_id": "current_weight, id",
    "ix_spools_tenant_id_remaining_pct_id": "(current_weight / initial_weight), id",
    "ix_spools_tenant_id_location_order": "location, id",
    "ix_spools_tenant_id_location_order_desc": "location DESC NULLS LAST, id DESC",
    "ix_spools_tenant_id_purchase_date_id": "purchase_date, id",
    "ix_spools_tenant_id_purchase_date_desc": "purchase_date DESC NULLS LAST, id DESC",
}


LOW_STOCK = "current_weight * 100 < low_stock_threshold_pct * initial_weight"


def upgrade() -> None:
    for name, columns in ORDER_INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {SCHEMA}.spools (tenant_id, {columns})")
    op.execute(
        f"CREATE INDEX IF NOT EXISTS ix_spools_tenant_id_low_stock ON {SCHEMA}.spools"
        f" (tenant_id, is_archived) WHERE {LOW_STOCK}"
    )
    op.drop_index("ix_spools_tenant_id_location_is_archived", table_name="spools", schema=SCHEMA)
    op.drop_index("ix_spools_created_at", table_name="spools", schema=SCHEMA)


def downgrade() -> None:
    op.create_index("ix_spools_created_at", "spools", ["created_at"], schema=SCHEMA)
    op.create_index(
        "ix_spools_tenant_id_location_is_archived",
        "spools",
        ["tenant_id", "location", "is_archived"],
        schema=SCHEMA,
    )
    op.drop_index("ix_spools_tenant_id_low_stock", table_name="spools", schema=SCHEMA)
    for name in reversed(ORDER_INDEXES):
        op.drop_index(name, table_name="spools", schema=SCHEMA)
