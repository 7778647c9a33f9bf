"""inventory: locations as a resource, and the spools' ledger-free history (``spool_events``).

Revision ID: 0005_locations
Revises: 0003_messaging_hardening

Hand-written and reviewed (docs/adr/0015-locations-and-archive.md). In short:

- ``locations`` (tenant rows: ``name`` unique per tenant case-insensitively, optional ``description``).
- ``spools.location_id`` (FK, NULL = nowhere, ON DELETE RESTRICT). ``spools.location`` stays: it is the
  location's name, kept equal to it by the service (display, full-text search and the ``location`` sort).
- The free-text locations of existing spools become rows: one per tenant and case-insensitive trimmed name,
  spelled as most of its spools spell it (ties: the alphabetically first); each spool then points to its row
  and its text is set to that spelling ("shelf a" and "Shelf A " become one "Shelf A").
- ``spool_events`` (moved, archived, restored; from/to location names, actor, time). Append-only for the app
  role (SELECT, INSERT), removed with its spool by FK cascade like the ledger.
- Both tables: ENABLE + FORCE RLS with the tenant policy, grants to the app role.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles

revision: str = "0005_locations"
down_revision: str | None = "0004_spool_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"


def upgrade() -> None:
    app = roles().app
    op.create_table(
        "locations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.String(500), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_locations"),
        sa.CheckConstraint("length(btrim(name)) > 0", name="ck_locations_name"),
        schema=SCHEMA,
    )
    op.execute(
        f"CREATE UNIQUE INDEX uq_locations_tenant_id_name ON {SCHEMA}.locations (tenant_id, lower(name))"
    )

    op.add_column("spools", sa.Column("location_id", sa.Uuid(), nullable=True), schema=SCHEMA)
    op.create_foreign_key(
        "fk_spools_location_id_locations",
        "spools",
        "locations",
        ["location_id"],
        ["id"],
        source_schema=SCHEMA,
        referent_schema=SCHEMA,
        ondelete="RESTRICT",
    )
    op.create_index(
        "ix_spools_tenant_id_location_id_is_archived",
        "spools",
        ["tenant_id", "location_id", "is_archived"],
        schema=SCHEMA,
    )
    # The ``location`` filter is a case-insensitive prefix: a range on lower(location) in byte order
    # ("C"), so one index serves prefix and exact matches, generic plans and index-only counts.
    op.add_column(
        "spools",
        sa.Column(
            "location_key",
            sa.String(100, collation="C"),
            sa.Computed("lower(location)", persisted=True),
            nullable=True,
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_spools_tenant_id_location_key_is_archived",
        "spools",
        ["tenant_id", "location_key", "is_archived"],
        schema=SCHEMA,
    )

    # Existing free text → rows. FORCE RLS binds the owner too (it has no BYPASSRLS), so the owner reads and
    # writes every tenant's spools only while FORCE is lifted, inside this migration's transaction.
    op.execute(f"ALTER TABLE {SCHEMA}.spools NO FORCE ROW LEVEL SECURITY")
    op.execute(
        """
        WITH spellings AS (
            SELECT tenant_id, lower(btrim(location)) AS key, btrim(location) AS spelling, count(*) AS n
            FROM inventory.spools
            WHERE location IS NOT NULL AND btrim(location) <> ''
            GROUP BY tenant_id, lower(btrim(location)), btrim(location)
        ), chosen AS (
            SELECT DISTINCT ON (tenant_id, key) tenant_id, key, spelling
            FROM spellings
            ORDER BY tenant_id, key, n DESC, spelling
        )
        INSERT INTO inventory.locations (id, tenant_id, name)
        SELECT gen_random_uuid(), tenant_id, spelling FROM chosen
        """
    )
    op.execute(
        """
        UPDATE inventory.spools AS s
        SET location_id = l.id, location = l.name
        FROM inventory.locations AS l
        WHERE l.tenant_id = s.tenant_id AND lower(l.name) = lower(btrim(s.location))
        """
    )
    op.execute(
        "UPDATE inventory.spools SET location = NULL WHERE location IS NOT NULL AND btrim(location) = ''"
    )
    op.execute(f"ALTER TABLE {SCHEMA}.spools FORCE ROW LEVEL SECURITY")

    op.create_table(
        "spool_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("spool_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_location", sa.String(100), nullable=True),
        sa.Column("to_location", sa.String(100), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name="pk_spool_events"),
        sa.ForeignKeyConstraint(
            ["spool_id"],
            [f"{SCHEMA}.spools.id"],
            name="fk_spool_events_spool_id_spools",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_spool_events_tenant_id_spool_id_created_at",
        "spool_events",
        ["tenant_id", "spool_id", "created_at"],
        schema=SCHEMA,
    )

    for table in ("locations", "spool_events"):
        rls.enable_tenant_rls(op, SCHEMA, table)
    rls.grant(op, SCHEMA, "locations", app, "SELECT, INSERT, UPDATE, DELETE")
    # Append-only, like the ledger: no UPDATE, no DELETE.
    rls.grant(op, SCHEMA, "spool_events", app, "SELECT, INSERT")


def downgrade() -> None:
    op.drop_table("spool_events", schema=SCHEMA)
    op.drop_index("ix_spools_tenant_id_location_key_is_archived", table_name="spools", schema=SCHEMA)
    op.drop_column("spools", "location_key", schema=SCHEMA)
    op.drop_index("ix_spools_tenant_id_location_id_is_archived", table_name="spools", schema=SCHEMA)
    op.drop_constraint("fk_spools_location_id_locations", "spools", schema=SCHEMA, type_="foreignkey")
    op.drop_column("spools", "location_id", schema=SCHEMA)
    op.drop_table("locations", schema=SCHEMA)
