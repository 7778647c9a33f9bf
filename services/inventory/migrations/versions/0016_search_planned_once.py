"""inventory: the search document's functions are planned once per session, not once per spool.

Revision ID: 0016_search_planned_once
Revises: 0015_priced_totals

Hand-written and reviewed (docs/adr/0030-search-functions-planned-once.md). The functions return exactly
what they returned (a database test compares both versions over the same texts), so no document is rebuilt.

PostgreSQL runs a ``LANGUAGE sql`` function that it cannot inline by parsing and planning its body on every
call from a new query: the spool trigger's query is a new one for every spool. A spool's document called
four of them, ten calls (``search_words`` four times, ``search_fold`` inside each, the document itself,
``add_search_terms``), which was a third of PostgreSQL's CPU per created spool (perf, bench/README.md).

- ``search_words``: one expression (``array_remove(regexp_split_to_array(...), '')``), which the planner
  inlines into its caller; it was a query over ``regexp_split_to_table``, which it cannot inline.
- ``search_fold``, ``spool_search_document``, ``add_search_terms``: PL/pgSQL. Its statements are prepared once
  per session. The first two could not be inlined: ``unaccent`` and ``concat_ws`` are STABLE, and these
  functions are IMMUTABLE. An INSERT is never inlined.
- ``search_identifier`` strips leading zeros with one regular expression over the joined words. Before,
  it ran a query per call (``unnest`` and ``array_agg``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_search_planned_once"
down_revision: str | None = "0015_priced_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "inventory"
#: How each function definition below ends.
_END = "\n$$;\n"

#: The document's expression, its signature and the terms' INSERT: the same in both versions below.
_DOCUMENT_EXPRESSION = """
         setweight(to_tsvector('simple', {schema}.search_identifier(code)), 'A')
      || setweight(to_tsvector('simple', array_to_string({schema}.search_words(
             concat_ws(' ', brand, color_name, finish, material_code, material_name)), ' ')), 'B')
      || setweight(to_tsvector('simple', array_to_string({schema}.search_words(
             concat_ws(' ', location, supplier)), ' ') || ' ' || {schema}.search_identifier(lot_number)), 'C')
"""
_DOCUMENT_SIGNATURE = """{schema}.spool_search_document(
  code text, supplier text, location text, lot_number text,
  brand text, color_name text, finish text, material_code text, material_name text
) RETURNS tsvector"""
_TERMS_INSERT = """
  INSERT INTO {schema}.spool_search_terms (tenant_id, term)
  SELECT DISTINCT tenant, w FROM unnest(tsvector_to_array(document)) AS w
   WHERE w ~ '^[[:alpha:]]{{3,}}$'
     AND NOT EXISTS (SELECT 1 FROM {schema}.spool_search_terms t WHERE t.tenant_id = tenant AND t.term = w)"""

PLANNED_ONCE = (
    """
CREATE OR REPLACE FUNCTION {schema}.search_fold(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
BEGIN
  RETURN {unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, value);
END
$$;

CREATE OR REPLACE FUNCTION {schema}.search_words(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_remove(regexp_split_to_array(lower({schema}.search_fold(coalesce(value, ''))),
                                            '[^[:alnum:]]+'), '')
$$;

-- The words joined, then (when a word has leading zeros before a digit) the words without them; then every
-- suffix of each form run together, so that "FIL-0012" is found by "fil0012", "fil12", "0012" and "12".
CREATE OR REPLACE FUNCTION {schema}.search_identifier(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  joined text := array_to_string({schema}.search_words(value), ' ');
  stripped text := regexp_replace(joined, '(^| )0+(?=[0-9])', '\\1', 'g');
  forms text[] := CASE WHEN stripped = joined THEN ARRAY[joined] ELSE ARRAY[joined, stripped] END;
  form text;
  words text[];
  result text := array_to_string(forms, ' ');
BEGIN
  FOREACH form IN ARRAY forms LOOP
    words := string_to_array(form, ' ');
    FOR start IN 1 .. cardinality(words) - 1 LOOP
      result := result || ' ' || array_to_string(words[start:], '');
    END LOOP;
  END LOOP;
  RETURN result;
END
$$;

CREATE OR REPLACE FUNCTION """
    + _DOCUMENT_SIGNATURE
    + """
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN"""
    + _DOCUMENT_EXPRESSION
    + """;
END
$$;

CREATE OR REPLACE FUNCTION {schema}.add_search_terms(tenant uuid, document tsvector) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN"""
    + _TERMS_INSERT
    + """;
END
$$;
"""
)

#: As 0004 and 0009 left them (downgrade).
PLANNED_PER_CALL = (
    """
CREATE OR REPLACE FUNCTION {schema}.search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT {unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, value)
$$;

CREATE OR REPLACE FUNCTION {schema}.search_words(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(w ORDER BY n), '{{}}')
    FROM regexp_split_to_table(lower({schema}.search_fold(coalesce(value, ''))), '[^[:alnum:]]+')
         WITH ORDINALITY AS t(w, n)
   WHERE w <> ''
$$;

CREATE OR REPLACE FUNCTION {schema}.search_identifier(value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  words text[] := {schema}.search_words(value);
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

CREATE OR REPLACE FUNCTION """  # noqa: S608 - fixed text, no input
    + _DOCUMENT_SIGNATURE
    + """
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT"""
    + _DOCUMENT_EXPRESSION
    + """
$$;

CREATE OR REPLACE FUNCTION {schema}.add_search_terms(tenant uuid, document tsvector) RETURNS void
LANGUAGE sql AS $$"""
    + _TERMS_INSERT
    + """
$$;
"""
)


def _unaccent_schema() -> str:
    """Where the bootstrap created ``unaccent`` (0009 required it)."""
    query = "select extnamespace::regnamespace::text from pg_extension where extname = 'unaccent'"
    return str(op.get_bind().execute(sa.text(query)).scalar_one())


def _replace(functions: str) -> None:
    """Each ``CREATE OR REPLACE FUNCTION`` of ``functions`` (one statement per execute: the driver prepares
    it), in order."""
    unaccent = _unaccent_schema()
    for function in functions.split(_END)[:-1]:
        op.execute(f"{function}{_END}".format(schema=SCHEMA, unaccent=unaccent))


def upgrade() -> None:
    _replace(PLANNED_ONCE)


def downgrade() -> None:
    _replace(PLANNED_PER_CALL)
