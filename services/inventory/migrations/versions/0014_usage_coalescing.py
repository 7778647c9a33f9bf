"""inventory: an API key's usage reports coalesce into one ledger row (the Spoolman-compatible ``use``).

Revision ID: 0014_usage_coalescing
Revises: 0013_spoolman_ids

Hand-written and reviewed. A printer reports its extrusion every few seconds through the Spoolman-compatible
API; booking each report as its own row makes the ledger unreadable (~700 rows an hour of printing), so a
report merges into the spool's latest row when that row is the same API key's ``usage`` row, opened less than
the window ago (services/inventory/README.md, "Spoolman compatibility").

- ``inventory_transactions.api_key_id``: the API key that booked the row (NULL for a person, an event, an
  import). Nullable, no default: adding it rewrites nothing.
- ``ix_inventory_transactions_tenant_id_api_key_id``: (tenant_id, api_key_id, created_at) over the rows of
  API keys only (partial), for the rule's "the key booked nothing on another spool since the row opened".
- The ledger stays append-only for everything else. The app role gets ``UPDATE (delta, grams_after)`` only
  (a column grant: no other column can change), and a ``BEFORE UPDATE`` trigger lets an update through only
  when it grows the usage of an API key's ``usage`` row that is still the spool's latest row, keeping the
  chain (``grams_before`` unchanged; the CHECK keeps ``grams_after = grams_before + delta >= 0``). Anything
  else raises ``insufficient_privilege`` (42501), the error a missing grant gives.
- ``DELETE`` is still not granted.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db.migrations import roles
from batchivo_common.db.roles import ident

revision: str = "0014_usage_coalescing"
down_revision: str | None = "0013_spoolman_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"

GUARD = f"""
CREATE FUNCTION {SCHEMA}.inventory_transactions_merge_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.kind <> 'usage' OR OLD.api_key_id IS NULL
       OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.api_key_id IS DISTINCT FROM OLD.api_key_id
       OR NEW.grams_before <> OLD.grams_before OR NEW.delta > OLD.delta
       OR EXISTS (
           SELECT 1 FROM {SCHEMA}.inventory_transactions later
           WHERE later.tenant_id = OLD.tenant_id AND later.spool_id = OLD.spool_id
             AND (later.created_at, later.id) > (OLD.created_at, OLD.id)
       )
    THEN
        RAISE EXCEPTION 'the ledger is append-only: only an API key''s latest usage row of a spool can grow'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$
"""  # noqa: S608 - fixed text, no input


def upgrade() -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.inventory_transactions ADD COLUMN api_key_id uuid")
    op.create_index(
        "ix_inventory_transactions_tenant_id_api_key_id",
        "inventory_transactions",
        ["tenant_id", "api_key_id", "created_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("api_key_id IS NOT NULL"),
    )
    op.execute(GUARD)
    op.execute(
        "CREATE TRIGGER inventory_transactions_merge_only BEFORE UPDATE ON "
        f"{SCHEMA}.inventory_transactions FOR EACH ROW EXECUTE FUNCTION "
        f"{SCHEMA}.inventory_transactions_merge_only()"
    )
    op.execute(
        f"GRANT UPDATE (delta, grams_after) ON {SCHEMA}.inventory_transactions TO {ident(roles().app)}"
    )


def downgrade() -> None:
    op.execute(
        f"REVOKE UPDATE (delta, grams_after) ON {SCHEMA}.inventory_transactions FROM {ident(roles().app)}"
    )
    op.execute(f"DROP TRIGGER inventory_transactions_merge_only ON {SCHEMA}.inventory_transactions")
    op.execute(f"DROP FUNCTION {SCHEMA}.inventory_transactions_merge_only()")
    op.drop_index("ix_inventory_transactions_tenant_id_api_key_id", "inventory_transactions", schema=SCHEMA)
    op.execute(f"ALTER TABLE {SCHEMA}.inventory_transactions DROP COLUMN api_key_id")
