"""inventory: Spoolman keys from before instances were told apart set aside; bulk search documents.

Revision ID: 0010_import_sources
Revises: 0009_search_accents

Hand-written and reviewed (docs/adr/0016-import-export.md, "Import cost"). The ``spools_search_document``
trigger builds each new spool's document and adds its words to the tenant's search words one row at a
time: for 10,000 imported spools that was two thirds of the import (about 0.7 ms a row). The trigger now
has a ``WHEN`` condition: it stands aside while the transaction-local setting
``app.spool_search_bulk`` is ``on``. Only the import sets it, around one ``INSERT … SELECT`` that computes
``search_document`` with the same ``spool_search_document(...)`` call and adds the words of all the new
documents at once (``transfer/bulk.py``; a test holds the two forms together). Everything else (single
writes, updates, the migrations' rebuilds) still goes through the trigger unchanged.

Spoolman import keys are per instance from now on (``spoolman`` = the default instance, ``spoolman:<digest>``
a named one, within the existing ``varchar(32)``; see the ADR). The keys made before could come from any
instance, so they move to ``spoolman-before-instances``: an import takes one over only under the ADR's
conditions, and the default instance starts clean, so a new shop's unnamed upload and its named second
instance never meet. Downgrade moves them back (a key the default instance made since is kept instead).
The owner steps out of FORCE RLS for this transaction only, as 0004 and 0009 did.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010_import_sources"
down_revision: str | None = "0009_search_accents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"

TRIGGER = """
CREATE TRIGGER spools_search_document
  BEFORE INSERT OR UPDATE OF code, filament_type_id, supplier, location, lot_number ON {schema}.spools
  FOR EACH ROW {when}EXECUTE FUNCTION {schema}.spools_search_document()
"""
BULK_OFF = "WHEN (current_setting('app.spool_search_bulk', true) IS DISTINCT FROM 'on') "


def _replace_trigger(when: str) -> None:
    op.execute(f"DROP TRIGGER spools_search_document ON {SCHEMA}.spools")
    op.execute(TRIGGER.format(schema=SCHEMA, when=when))


LEGACY = "spoolman-before-instances"


def _move_keys(statement: str) -> None:
    op.execute(f"ALTER TABLE {SCHEMA}.import_keys NO FORCE ROW LEVEL SECURITY")
    op.execute(statement)
    op.execute(f"ALTER TABLE {SCHEMA}.import_keys FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    _replace_trigger(BULK_OFF)
    _move_keys(f"UPDATE {SCHEMA}.import_keys SET source = '{LEGACY}' WHERE source = 'spoolman'")  # noqa: S608


def downgrade() -> None:
    _move_keys(
        f"UPDATE {SCHEMA}.import_keys k SET source = 'spoolman' WHERE k.source = '{LEGACY}'"  # noqa: S608
        f" AND NOT EXISTS (SELECT 1 FROM {SCHEMA}.import_keys d WHERE d.tenant_id = k.tenant_id"
        " AND d.source = 'spoolman' AND d.kind = k.kind AND d.external_id = k.external_id)"
    )
    op.execute(f"DELETE FROM {SCHEMA}.import_keys WHERE source = '{LEGACY}'")  # noqa: S608
    _replace_trigger("")
