"""inventory: a bulk import may write the spools' search documents itself, one statement for many spools.

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

The import keys need no column change: an instance's namespace is stored as ``spoolman:<digest>`` within
the existing ``varchar(32)`` ``source`` (see the ADR).
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


def upgrade() -> None:
    _replace_trigger(BULK_OFF)


def downgrade() -> None:
    _replace_trigger("")
