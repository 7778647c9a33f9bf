"""The database side of the search rules (``search.py``), for every list that searches by them: the spools
(``spools/repository.py``) and the filament types (``materials/repository.py``).

Both hand their documents (tsvectors the database's ``inventory.search_words`` built, accents folded) to the
same tsquery texts, the same typo suggestions (the tenant's search words) and the same score.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, cast, func, literal, select
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_inventory.spools import search


def tsquery(text: str) -> ColumnElement[Any]:
    """A tsquery text of :func:`search.build` (quoted lexemes only), cast; never parsed from user syntax."""
    return cast(literal(text), TSQUERY)


def matches(document: ColumnElement[Any], text: str) -> ColumnElement[bool]:
    return document.bool_op("@@")(tsquery(text))


async def suggestions(session: AsyncSession, words: list[str]) -> dict[str, list[str]]:
    """The tenant's search words nearest to each of ``words`` that starts none of them (typo candidates for
    :func:`search.build`); no statement when there is no such word."""
    if not words:
        return {}
    stmt = select(
        func.inventory.search_suggestions(words, search.SUGGESTIONS_PER_WORD).table_valued(
            "word", "term", "score"
        )
    )
    found: dict[str, list[str]] = {}
    for word, term, _ in (await session.execute(stmt)).all():
        found.setdefault(word, []).append(term)
    return found


def score(document: ColumnElement[Any], query: search.SearchQuery) -> ColumnElement[Any]:
    """``2 * ts_rank(exact words) + ts_rank(all alternatives) + 1 when two consecutive terms stand side by
    side``: exact words outrank prefixes and typos, weights A and B outrank C (docs/adr/0014)."""
    exact = func.ts_rank(document, tsquery(query.rank_exact))
    rank = 2 * exact + func.ts_rank(document, tsquery(query.rank_any))
    if query.adjacent is not None:
        rank = rank + case((matches(document, query.adjacent), literal(1.0)), else_=literal(0.0))
    return rank
