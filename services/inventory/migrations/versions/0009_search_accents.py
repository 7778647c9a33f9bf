"""inventory: search folds accents (``cafe`` finds Café), and filament types add their words when created.

Revision ID: 0009_search_accents
Revises: 0008_history

Hand-written and reviewed (docs/adr/0014-spool-search.md, amendment "Accents"). In short:

- ``inventory.search_fold(text)``: ``unaccent`` with its dictionary named, both schema-qualified. The
  extension's ``unaccent(text)`` is STABLE (it looks its dictionary up by the search_path), so it cannot
  serve IMMUTABLE functions; naming the dictionary makes the result depend on the argument alone, which is
  the known recipe for wrapping it. ``unaccent`` is created by the bootstrap (superuser), like ``pg_trgm``.
- ``inventory.search_words`` folds before it lower-cases and splits; every document function calls it, so
  the spool documents, the identifiers and the tenant's search words all fold. The service folds query
  words the same way (``spools/search.py``: ``fold``; a test holds the two together).
- ``filament_types_search_terms``: ``AFTER INSERT`` on filament types adds the new type's words to the
  tenant's search words (until now only spools and renames added them), so a type without spools is found
  by a misspelling too (``GET /filament-types?q=`` uses the same rules and suggestions).
- ``filament_types.search`` (generated ``brand || ' ' || color_name``, GIN) goes: ``GET /filament-types?q=``
  now builds each type's document by the spool search's rules when it searches (docs/adr/0014, amendment).
- Existing rows: every spool document is rebuilt and the search words are rebuilt from the spools and the
  filament types (stepping out of FORCE RLS in this transaction, as 0004 did). Downgrade restores 0004's
  ``search_words`` and rebuilds the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import TSVECTOR

revision: str = "0009_search_accents"
down_revision: str | None = "0008_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"

FOLD = """
CREATE FUNCTION {schema}.search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT {unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, value)
$$
"""

#: ``search_words`` folded (this revision) and as 0004 made it (downgrade).
WORDS = """
CREATE OR REPLACE FUNCTION {schema}.search_words(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(w ORDER BY n), '{{}}')
    FROM regexp_split_to_table({text}, '[^[:alnum:]]+') WITH ORDINALITY AS t(w, n)
   WHERE w <> ''
$$
"""
FOLDED_TEXT = "lower({schema}.search_fold(coalesce(value, '')))"
PLAIN_TEXT = "lower(coalesce(value, ''))"

TYPE_TERMS = f"""
CREATE FUNCTION {SCHEMA}.filament_types_search_terms() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM {SCHEMA}.add_search_terms(NEW.tenant_id, {SCHEMA}.spool_search_document(
            NULL, NULL, NULL, NULL, NEW.brand, NEW.color_name, NEW.finish, m.code, m.name))
     FROM {SCHEMA}.material_types m
    WHERE m.id = NEW.material_type_id;
  RETURN NULL;
END
$$
"""

TYPE_TERMS_TRIGGER = f"""
CREATE TRIGGER filament_types_search_terms
  AFTER INSERT ON {SCHEMA}.filament_types
  FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.filament_types_search_terms()
"""

REBUILD_DOCUMENTS = f"""
UPDATE {SCHEMA}.spools s
   SET search_document = {SCHEMA}.spool_search_document(
         s.code, s.supplier, s.location, s.lot_number, f.brand, f.color_name, f.finish, m.code, m.name)
  FROM {SCHEMA}.filament_types f JOIN {SCHEMA}.material_types m ON m.id = f.material_type_id
 WHERE f.id = s.filament_type_id
"""  # noqa: S608 - fixed text, no input

#: The words of three or more letters of every spool document and every filament type (with its material).
REBUILD_TERMS = f"""
INSERT INTO {SCHEMA}.spool_search_terms (tenant_id, term)
SELECT DISTINCT tenant_id, w
  FROM (
    SELECT s.tenant_id, s.search_document AS document FROM {SCHEMA}.spools s
    UNION ALL
    SELECT f.tenant_id, {SCHEMA}.spool_search_document(
             NULL, NULL, NULL, NULL, f.brand, f.color_name, f.finish, m.code, m.name)
      FROM {SCHEMA}.filament_types f JOIN {SCHEMA}.material_types m ON m.id = f.material_type_id
  ) AS d, unnest(tsvector_to_array(d.document)) AS w
 WHERE w ~ '^[[:alpha:]]{{3,}}$'
"""  # noqa: S608 - fixed text, no input

OLD_TYPE_SEARCH = "to_tsvector('simple', brand || ' ' || color_name)"

TABLES = ("spools", "filament_types", "material_types", "spool_search_terms")


def _unaccent_schema() -> str:
    schema = (
        op.get_bind()
        .execute(
            sa.text(
                "select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace"
                " where e.extname = 'unaccent'"
            )
        )
        .scalar()
    )
    if schema is None:
        raise RuntimeError(
            "unaccent is not installed in this database: run the bootstrap (python -m"
            " batchivo_common.db.bootstrap inventory) as a superuser first"
        )
    return str(schema)


def _rebuild() -> None:
    """Every spool document and the tenants' search words, from the functions now in place. The owner is
    under FORCE RLS like everyone (it would see no tenant's rows): it steps out for this transaction only."""
    for table in TABLES:
        op.execute(f"ALTER TABLE {SCHEMA}.{table} NO FORCE ROW LEVEL SECURITY")
    op.execute(REBUILD_DOCUMENTS)
    op.execute(f"DELETE FROM {SCHEMA}.spool_search_terms")  # noqa: S608 - fixed text, no input
    op.execute(REBUILD_TERMS)
    for table in TABLES:
        op.execute(f"ALTER TABLE {SCHEMA}.{table} FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    unaccent = _unaccent_schema()
    op.execute(FOLD.format(schema=SCHEMA, unaccent=unaccent))
    op.execute(WORDS.format(schema=SCHEMA, text=FOLDED_TEXT.format(schema=SCHEMA)))
    op.execute(TYPE_TERMS)
    op.execute(TYPE_TERMS_TRIGGER)
    _rebuild()
    op.drop_index("ix_filament_types_search", table_name="filament_types", schema=SCHEMA)
    op.drop_column("filament_types", "search", schema=SCHEMA)


def downgrade() -> None:
    op.add_column(
        "filament_types",
        sa.Column("search", TSVECTOR(), sa.Computed(OLD_TYPE_SEARCH, persisted=True), nullable=True),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_filament_types_search", "filament_types", ["search"], postgresql_using="gin", schema=SCHEMA
    )
    op.execute(f"DROP TRIGGER filament_types_search_terms ON {SCHEMA}.filament_types")
    op.execute(f"DROP FUNCTION {SCHEMA}.filament_types_search_terms()")
    op.execute(WORDS.format(schema=SCHEMA, text=PLAIN_TEXT))
    op.execute(f"DROP FUNCTION {SCHEMA}.search_fold(text)")
    _rebuild()
