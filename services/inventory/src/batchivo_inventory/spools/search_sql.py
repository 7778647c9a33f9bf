"""The database side of the search rules (``search.py``), for every list that searches by them: the spools
(``spools/repository.py``) and the filament types (``materials/repository.py``).

Both hand their documents (tsvectors the database's ``inventory.search_words`` built, accents folded) to the
same tsquery texts, the same typo suggestions and completions (the tenant's search words) and the same score.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Text, case, cast, func, literal, select, text, union_all
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.spools import search


def tsquery(text: str) -> ColumnElement[Any]:
    """A tsquery text of :func:`search.build` (quoted lexemes only), cast; never parsed from user syntax."""
    return cast(literal(text), TSQUERY)


def matches(document: ColumnElement[Any], text: str) -> ColumnElement[bool]:
    return document.bool_op("@@")(tsquery(text))


#: Up to ``per_word`` of the tenant's search words that each query word starts (a row per word and
#: completion). ``starts_with``: the words are letters only, so no LIKE escaping is involved.
_COMPLETIONS = text(
    "SELECT w.word, c.term FROM unnest(CAST(:words AS text[])) AS w(word) CROSS JOIN LATERAL ("
    " SELECT DISTINCT t.term FROM inventory.spool_search_terms t"
    " WHERE starts_with(t.term, w.word) AND t.term <> w.word ORDER BY t.term LIMIT :per_word) AS c"
)


async def query(session: AsyncSession, terms: list[search.Term]) -> search.SearchQuery:
    """The search's tsquery texts for ``terms``, with the tenant's words each letters-only word may be a
    misspelling of or starts (one statement, only when the query has such a word)."""
    words = search.fuzzy_words(terms)
    if not words:
        return search.build(terms, {})
    per_word = search.SUGGESTIONS_PER_WORD
    near = select(
        func.inventory.search_suggestions(words, per_word).table_valued("word", "term", "score")
    ).subquery()
    completions = _COMPLETIONS.columns(word=Text, term=Text).subquery()
    stmt = union_all(
        select(literal(False).label("completes"), near.c.word, near.c.term),
        select(literal(True), completions.c.word, completions.c.term),
    )
    typos: dict[str, list[str]] = {}
    starting: dict[str, list[str]] = {}
    for completes, word, term in await session.execute(stmt, {"words": words, "per_word": per_word}):
        (starting if completes else typos).setdefault(word, []).append(term)
    return search.build(terms, typos, completions=starting)


def score(document: ColumnElement[Any], query: search.SearchQuery) -> ColumnElement[Any]:
    """``2 * ts_rank(exact words) + ts_rank(all alternatives) + 1 when two consecutive terms stand side by
    side``: exact words outrank prefixes and typos, weights A and B outrank C (docs/adr/0014)."""
    exact = func.ts_rank(document, tsquery(query.rank_exact))
    rank = 2 * exact + func.ts_rank(document, tsquery(query.rank_any))
    if query.adjacent is not None:
        rank = rank + case((matches(document, query.adjacent), literal(1.0)), else_=literal(0.0))
    return rank
