"""inventory: a filament type keeps the totals of its priced spools, so its cost per gram is read, not summed.

Revision ID: 0015_priced_totals
Revises: 0014_usage_coalescing

Hand-written and reviewed (ADR 0023). A type's cost per gram is Σ purchase_price / Σ initial_weight over its
priced spools (domain.md), and it is republished each time a priced spool is created, repriced, moved to
another type or deleted. Summing the spools each time cost ~1.6 ms at 2,000 spools of one type (growing with
the type), while the transaction held the type's row lock.

- ``filament_types.priced_spool_count``, ``priced_price_total``, ``priced_weight_total``: NOT NULL DEFAULT 0
  (a constant default: adding them rewrites nothing), then filled from the spools of every tenant while
  FORCE RLS is lifted inside this transaction (the owner has no BYPASSRLS), as 0005 did.
- Triggers on ``spools`` keep them: per statement for INSERT and DELETE (transition tables: a 5,000-row
  import adds to each of its types once), per row for an UPDATE of ``purchase_price``, ``initial_weight``
  or ``filament_type_id`` that changes one of them. A ``use`` or a weighing changes ``current_weight`` only,
  so no trigger fires on the hot paths. Archived spools stay counted, as the sum did.
- The functions run as the caller (the app role, under its tenant's RLS): a spool and its type are always
  in the same tenant.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015_priced_totals"
down_revision: str | None = "0014_usage_coalescing"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"
COLUMNS = ("priced_spool_count", "priced_price_total", "priced_weight_total")


def _statement_trigger(name: str, sign: str, table: str) -> str:
    """A function adding (``+``) or taking away (``-``) the priced rows of transition table ``table``."""
    return f"""
CREATE FUNCTION {SCHEMA}.{name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {SCHEMA}.filament_types AS f
    SET priced_spool_count = f.priced_spool_count {sign} t.spools,
        priced_price_total = f.priced_price_total {sign} t.price,
        priced_weight_total = f.priced_weight_total {sign} t.weight
    FROM (
        SELECT filament_type_id, count(*) AS spools, sum(purchase_price) AS price,
               sum(initial_weight) AS weight
        FROM {table}
        WHERE purchase_price IS NOT NULL
        GROUP BY filament_type_id
    ) AS t
    WHERE f.id = t.filament_type_id;
    RETURN NULL;
END
$$
"""  # noqa: S608 - fixed text, no input


CHANGED = f"""
CREATE FUNCTION {SCHEMA}.spools_priced_totals_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.purchase_price IS NOT NULL THEN
        UPDATE {SCHEMA}.filament_types
        SET priced_spool_count = priced_spool_count - 1,
            priced_price_total = priced_price_total - OLD.purchase_price,
            priced_weight_total = priced_weight_total - OLD.initial_weight
        WHERE id = OLD.filament_type_id;
    END IF;
    IF NEW.purchase_price IS NOT NULL THEN
        UPDATE {SCHEMA}.filament_types
        SET priced_spool_count = priced_spool_count + 1,
            priced_price_total = priced_price_total + NEW.purchase_price,
            priced_weight_total = priced_weight_total + NEW.initial_weight
        WHERE id = NEW.filament_type_id;
    END IF;
    RETURN NULL;
END
$$
"""  # noqa: S608 - fixed text, no input


def upgrade() -> None:
    op.execute(
        f"ALTER TABLE {SCHEMA}.filament_types"
        " ADD COLUMN priced_spool_count integer NOT NULL DEFAULT 0,"
        " ADD COLUMN priced_price_total numeric(16, 2) NOT NULL DEFAULT 0,"
        " ADD COLUMN priced_weight_total numeric(16, 2) NOT NULL DEFAULT 0"
    )
    op.execute(f"ALTER TABLE {SCHEMA}.spools NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {SCHEMA}.filament_types NO FORCE ROW LEVEL SECURITY")
    op.execute(
        f"""
        UPDATE {SCHEMA}.filament_types AS f
        SET priced_spool_count = t.spools, priced_price_total = t.price, priced_weight_total = t.weight
        FROM (
            SELECT filament_type_id, count(*) AS spools, sum(purchase_price) AS price,
                   sum(initial_weight) AS weight
            FROM {SCHEMA}.spools
            WHERE purchase_price IS NOT NULL
            GROUP BY filament_type_id
        ) AS t
        WHERE f.id = t.filament_type_id
        """  # noqa: S608 - fixed text, no input
    )
    op.execute(f"ALTER TABLE {SCHEMA}.filament_types FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {SCHEMA}.spools FORCE ROW LEVEL SECURITY")

    op.execute(_statement_trigger("spools_priced_totals_added", "+", "added"))
    op.execute(
        f"CREATE TRIGGER spools_priced_totals_added AFTER INSERT ON {SCHEMA}.spools"
        " REFERENCING NEW TABLE AS added FOR EACH STATEMENT"
        f" EXECUTE FUNCTION {SCHEMA}.spools_priced_totals_added()"
    )
    op.execute(_statement_trigger("spools_priced_totals_removed", "-", "removed"))
    op.execute(
        f"CREATE TRIGGER spools_priced_totals_removed AFTER DELETE ON {SCHEMA}.spools"
        " REFERENCING OLD TABLE AS removed FOR EACH STATEMENT"
        f" EXECUTE FUNCTION {SCHEMA}.spools_priced_totals_removed()"
    )
    op.execute(CHANGED)
    op.execute(
        "CREATE TRIGGER spools_priced_totals_changed"
        f" AFTER UPDATE OF purchase_price, initial_weight, filament_type_id ON {SCHEMA}.spools"
        " FOR EACH ROW WHEN ("
        " OLD.purchase_price IS DISTINCT FROM NEW.purchase_price"
        " OR OLD.initial_weight IS DISTINCT FROM NEW.initial_weight"
        " OR OLD.filament_type_id IS DISTINCT FROM NEW.filament_type_id)"
        f" EXECUTE FUNCTION {SCHEMA}.spools_priced_totals_changed()"
    )


def downgrade() -> None:
    for name in (
        "spools_priced_totals_changed",
        "spools_priced_totals_removed",
        "spools_priced_totals_added",
    ):
        op.execute(f"DROP TRIGGER {name} ON {SCHEMA}.spools")
        op.execute(f"DROP FUNCTION {SCHEMA}.{name}()")
    op.execute(f"ALTER TABLE {SCHEMA}.filament_types " + ", ".join(f"DROP COLUMN {c}" for c in COLUMNS))
