"""inventory: one search document per spool, kept by triggers, and the tenant's search words for typos.

Revision ID: 0004_spool_search
Revises: 0003_messaging_hardening

Hand-written and reviewed (docs/adr/0014-spool-search.md). In short:

- ``spools.search_document`` (tsvector, GIN) replaces the generated ``spools.search``: the spool's code,
  supplier, location and lot number *and* its filament type's brand, colour, finish and its material's code
  and name, weighted A (code), B (brand, colour, finish, material), C (location, supplier, lot). A search
  reads no other table. Words are lower-cased runs of letters and digits; codes and lot numbers also carry
  their numbers without leading zeros (``FIL-012`` is found by ``12``) and their parts joined (``fil012``).
- Triggers keep it: ``BEFORE INSERT OR UPDATE OF code, filament_type_id, supplier, location, lot_number`` on
  spools; ``AFTER UPDATE OF brand, color_name, finish, material_type_id`` on filament types and ``AFTER
  UPDATE OF code, name`` on material types rewrite the documents of their spools. They run as the caller,
  under its tenant's RLS. (Global material types are changed only by migrations, which must rebuild the
  documents themselves, as this one does.)
- ``spool_search_terms``: the tenant's words of three or more letters (not codes, not numbers), added by the
  same triggers, with a trigram GIN index: a query word that is not a prefix of any of them is matched to
  the nearest ones (``glaxy`` → ``galaxy``). Tenant RLS; the app role may SELECT and INSERT. No unique key
  (so concurrent inserts never wait on each other): a rare duplicate word is harmless.
- ``pg_trgm`` and ``btree_gin`` are created by the bootstrap (superuser), not here: this runs as the schema
  owner. The document's GIN index starts with ``tenant_id`` (``btree_gin``); the bootstrap also marks
  ``tsvector @@ tsquery`` LEAKPROOF, without which RLS kept rare-word searches off the index
  (docs/adr/0014-spool-search.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from batchivo_common.db import rls
from batchivo_common.db.migrations import roles
from sqlalchemy.dialects.postgresql import TSVECTOR

revision: str = "0004_spool_search"
down_revision: str | None = "0003_messaging_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"

#: One statement each (the driver prepares every statement, and a prepared statement holds one).
FUNCTIONS = f"""
-- Lower-cased runs of letters and digits, in order ("Galaxy-Black 2" -> {{galaxy,black,2}}).
CREATE FUNCTION {SCHEMA}.search_words(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(w ORDER BY n), '{{}}')
    FROM regexp_split_to_table(lower(coalesce(value, '')), '[^[:alnum:]]+') WITH ORDINALITY AS t(w, n)
   WHERE w <> ''
$$;

-- An identifier (code, lot number): its words, then again without leading zeros when that differs
-- ("fil 012 fil 12", so "FIL-012" and "FIL-12" both match as a phrase), then every tail of two or more of
-- its words joined, of both ("fil012 fil12"; "lot20240117 20240117"): a query term of several words is
-- looked up by its joined form as a prefix, which the index answers without rechecking phrases.
CREATE FUNCTION {SCHEMA}.search_identifier(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  words text[] := {SCHEMA}.search_words(value);
  stripped text[];
  forms text[];
  form text[];
  result text := array_to_string(words, ' ');
BEGIN
  SELECT coalesce(array_agg(regexp_replace(w, '^0+(?=[0-9])', '') ORDER BY n), '{{}}') INTO stripped
    FROM unnest(words) WITH ORDINALITY AS t(w, n);
  IF stripped IS DISTINCT FROM words THEN
    result := result || ' ' || array_to_string(stripped, ' ');
    forms := ARRAY[array_to_string(words, ' '), array_to_string(stripped, ' ')];
  ELSE
    forms := ARRAY[array_to_string(words, ' ')];
  END IF;
  FOR i IN 1 .. cardinality(forms) LOOP
    form := string_to_array(forms[i], ' ');
    FOR start IN 1 .. cardinality(form) - 1 LOOP
      result := result || ' ' || array_to_string(form[start:], '');
    END LOOP;
  END LOOP;
  RETURN result;
END
$$;

CREATE FUNCTION {SCHEMA}.spool_search_document(
  code text, supplier text, location text, lot_number text,
  brand text, color_name text, finish text, material_code text, material_name text
) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple', {SCHEMA}.search_identifier(code)), 'A')
      || setweight(to_tsvector('simple', array_to_string({SCHEMA}.search_words(
             concat_ws(' ', brand, color_name, finish, material_code, material_name)), ' ')), 'B')
      || setweight(to_tsvector('simple', array_to_string({SCHEMA}.search_words(
             concat_ws(' ', location, supplier)), ' ') || ' ' || {SCHEMA}.search_identifier(lot_number)), 'C')
$$;

-- The document's words of three or more letters join the tenant's search words (for typo matching).
CREATE FUNCTION {SCHEMA}.add_search_terms(tenant uuid, document tsvector) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO {SCHEMA}.spool_search_terms (tenant_id, term)
  SELECT DISTINCT tenant, w FROM unnest(tsvector_to_array(document)) AS w
   WHERE w ~ '^[[:alpha:]]{{3,}}$'
     AND NOT EXISTS (SELECT 1 FROM {SCHEMA}.spool_search_terms t WHERE t.tenant_id = tenant AND t.term = w)
$$;

CREATE FUNCTION {SCHEMA}.spools_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT {SCHEMA}.spool_search_document(NEW.code, NEW.supplier, NEW.location, NEW.lot_number,
                                        f.brand, f.color_name, f.finish, m.code, m.name)
    INTO NEW.search_document
    FROM {SCHEMA}.filament_types f JOIN {SCHEMA}.material_types m ON m.id = f.material_type_id
   WHERE f.id = NEW.filament_type_id;
  IF NEW.search_document IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.search_document IS DISTINCT FROM OLD.search_document) THEN
    PERFORM {SCHEMA}.add_search_terms(NEW.tenant_id, NEW.search_document);
  END IF;
  RETURN NEW;
END
$$;

CREATE FUNCTION {SCHEMA}.filament_types_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  m {SCHEMA}.material_types%ROWTYPE;
BEGIN
  IF (NEW.brand, NEW.color_name, NEW.finish, NEW.material_type_id)
     IS NOT DISTINCT FROM (OLD.brand, OLD.color_name, OLD.finish, OLD.material_type_id) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO m FROM {SCHEMA}.material_types WHERE id = NEW.material_type_id;
  UPDATE {SCHEMA}.spools s
     SET search_document = {SCHEMA}.spool_search_document(s.code, s.supplier, s.location, s.lot_number,
                                                          NEW.brand, NEW.color_name, NEW.finish, m.code, m.name)
   WHERE s.filament_type_id = NEW.id;
  PERFORM {SCHEMA}.add_search_terms(NEW.tenant_id, {SCHEMA}.spool_search_document(
    NULL, NULL, NULL, NULL, NEW.brand, NEW.color_name, NEW.finish, m.code, m.name));
  RETURN NULL;
END
$$;

CREATE FUNCTION {SCHEMA}.material_types_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.code, NEW.name) IS NOT DISTINCT FROM (OLD.code, OLD.name) THEN
    RETURN NULL;
  END IF;
  UPDATE {SCHEMA}.spools s
     SET search_document = {SCHEMA}.spool_search_document(s.code, s.supplier, s.location, s.lot_number,
                                                          f.brand, f.color_name, f.finish, NEW.code, NEW.name)
    FROM {SCHEMA}.filament_types f
   WHERE f.material_type_id = NEW.id AND s.filament_type_id = f.id;
  IF NEW.tenant_id IS NOT NULL THEN
    PERFORM {SCHEMA}.add_search_terms(NEW.tenant_id, {SCHEMA}.spool_search_document(
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NEW.code, NEW.name));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER spools_search_document
  BEFORE INSERT OR UPDATE OF code, filament_type_id, supplier, location, lot_number ON {SCHEMA}.spools
  FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.spools_search_document();

CREATE TRIGGER filament_types_search_document
  AFTER UPDATE OF brand, color_name, finish, material_type_id ON {SCHEMA}.filament_types
  FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.filament_types_search_document();

CREATE TRIGGER material_types_search_document
  AFTER UPDATE OF code, name ON {SCHEMA}.material_types
  FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.material_types_search_document();
"""  # noqa: S608 - fixed text, no input

#: Suggestions for query words that are no prefix of any of the tenant's words: up to ``per_word`` of its
#: words by trigram similarity (at least pg_trgm.similarity_threshold, 0.3). ``{trgm}`` is the schema
#: pg_trgm was created in (the function pins its search_path, so callers need not have it in theirs).
SUGGESTIONS = """
CREATE FUNCTION {schema}.search_suggestions(words text[], per_word integer)
RETURNS TABLE (word text, term text, score real)
LANGUAGE sql STABLE SET search_path = {schema}, {trgm}, pg_catalog AS $$
  SELECT w.word, s.term, s.score
    FROM unnest(words) AS w(word)
    CROSS JOIN LATERAL (
      SELECT DISTINCT t.term, similarity(t.term, w.word) AS score
        FROM {schema}.spool_search_terms t
       WHERE t.term % w.word
       ORDER BY score DESC, t.term
       LIMIT per_word
    ) AS s
   WHERE NOT EXISTS (SELECT 1 FROM {schema}.spool_search_terms p WHERE p.term LIKE w.word || '%')
$$;
"""

DROP_FUNCTIONS = (
    "search_suggestions(text[], integer)",
    "material_types_search_document()",
    "filament_types_search_document()",
    "spools_search_document()",
    "add_search_terms(uuid, tsvector)",
    "spool_search_document(text, text, text, text, text, text, text, text, text)",
    "search_identifier(text)",
    "search_words(text)",
)

OLD_SEARCH = (
    "to_tsvector('simple', code || ' ' || replace(code, '-', ' ') || ' ' || coalesce(location, '')"
    " || ' ' || coalesce(lot_number, ''))"
)


def _trgm_schema() -> str:
    bind = op.get_bind()
    schema = bind.execute(
        sa.text(
            "select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace"
            " where e.extname = 'pg_trgm'"
        )
    ).scalar()
    if schema is None:
        raise RuntimeError(
            "pg_trgm is not installed in this database: run the bootstrap (python -m"
            " batchivo_common.db.bootstrap inventory) as a superuser first"
        )
    return str(schema)


def upgrade() -> None:
    r = roles()
    trgm = _trgm_schema()
    op.create_table(
        "spool_search_terms",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("term", sa.Text(), nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_spool_search_terms_tenant_id_term", "spool_search_terms", ["tenant_id", "term"], schema=SCHEMA
    )
    op.execute(
        f"CREATE INDEX ix_spool_search_terms_term_trgm ON {SCHEMA}.spool_search_terms"
        f" USING gin (term {trgm}.gin_trgm_ops)"
    )
    op.drop_index("ix_spools_search", table_name="spools", schema=SCHEMA)
    op.drop_column("spools", "search", schema=SCHEMA)
    op.add_column("spools", sa.Column("search_document", TSVECTOR(), nullable=True), schema=SCHEMA)
    for statement in FUNCTIONS.split("\n\n"):
        if statement.strip():
            op.execute(statement)
    op.execute(SUGGESTIONS.format(schema=SCHEMA, trgm=trgm))

    # Documents for the spools that exist. The owner is under FORCE RLS like everyone (it would see no
    # tenant's rows), so it steps out of it for this transaction only; DDL is transactional.
    for table in ("spools", "filament_types", "material_types"):
        op.execute(f"ALTER TABLE {SCHEMA}.{table} NO FORCE ROW LEVEL SECURITY")
    op.execute(
        f"""
        UPDATE {SCHEMA}.spools s
           SET search_document = {SCHEMA}.spool_search_document(
                 s.code, s.supplier, s.location, s.lot_number, f.brand, f.color_name, f.finish, m.code, m.name)
          FROM {SCHEMA}.filament_types f JOIN {SCHEMA}.material_types m ON m.id = f.material_type_id
         WHERE f.id = s.filament_type_id
        """  # noqa: S608 - fixed text, no input
    )
    op.execute(
        f"""
        INSERT INTO {SCHEMA}.spool_search_terms (tenant_id, term)
        SELECT DISTINCT s.tenant_id, w FROM {SCHEMA}.spools s, unnest(tsvector_to_array(s.search_document)) w
         WHERE w ~ '^[[:alpha:]]{{3,}}$'
        """  # noqa: S608 - fixed text, no input
    )
    for table in ("spools", "filament_types", "material_types"):
        op.execute(f"ALTER TABLE {SCHEMA}.{table} FORCE ROW LEVEL SECURITY")
    # With the tenant in the index (btree_gin), a tenant's search never walks another tenant's matches.
    op.create_index(
        "ix_spools_tenant_id_search_document",
        "spools",
        ["tenant_id", "search_document"],
        postgresql_using="gin",
        schema=SCHEMA,
    )

    rls.enable_tenant_rls(op, SCHEMA, "spool_search_terms")
    rls.grant(op, SCHEMA, "spool_search_terms", r.app, "SELECT, INSERT")


def downgrade() -> None:
    op.execute(f"DROP TRIGGER material_types_search_document ON {SCHEMA}.material_types")
    op.execute(f"DROP TRIGGER filament_types_search_document ON {SCHEMA}.filament_types")
    op.execute(f"DROP TRIGGER spools_search_document ON {SCHEMA}.spools")
    for signature in DROP_FUNCTIONS:
        op.execute(f"DROP FUNCTION {SCHEMA}.{signature}")
    op.drop_index("ix_spools_tenant_id_search_document", table_name="spools", schema=SCHEMA)
    op.drop_column("spools", "search_document", schema=SCHEMA)
    op.add_column(
        "spools",
        sa.Column("search", TSVECTOR(), sa.Computed(OLD_SEARCH, persisted=True), nullable=True),
        schema=SCHEMA,
    )
    op.create_index("ix_spools_search", "spools", ["search"], postgresql_using="gin", schema=SCHEMA)
    op.drop_table("spool_search_terms", schema=SCHEMA)
