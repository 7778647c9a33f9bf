"""The spool search's pure rules: a query string → the text-search queries the repository runs.

The words of a query are those of the documents the database builds (migrations/versions/
0004_spool_search.py, 0009_search_accents.py): lower-cased runs of letters and digits, accents folded
(:func:`fold`, the database's ``unaccent``: ``Café`` is ``cafe``, ``Straße`` ``strasse``). Each
whitespace-separated *term* of the query must match (AND), each in any field:

- a one-word term matches that word or any word it starts (``prusa`` → Prusament), or, when it starts none,
  the tenant's words it is a likely misspelling of (``glaxy`` → galaxy: near by trigrams, from
  ``suggestions``, and within a few edits);
- a term of several words (``FIL-01``, ``2024-0117``, ``galaxy-black``) matches them as a phrase, or its
  joined form as a prefix of a joined identifier (``fil01`` starts ``fil012``, ``20240117`` is a tail of
  ``LOT-2024-0117``).

Ranking (docs/adr/0014-spool-search.md): the candidates are the spools where every term matches exactly
(``strict``), then those matching with prefixes or suggestions (``match``); ``rank_exact`` and ``rank_any``
score them with ``ts_rank`` so that exact words outrank prefixes and typo matches, and code, brand, colour and
material (weights A, B) outrank location, supplier and lot (C); ``adjacent`` adds a bonus when consecutive
terms stand side by side.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: At most this many terms are used (a longer query's extra words are ignored).
MAX_TERMS = 8
#: A one-word query term of letters only and at least this long is looked up for misspellings.
FUZZY_MIN_LENGTH = 4
#: Candidate words asked per misspelt word (nearest by trigrams), before the edit-distance filter.
SUGGESTIONS_PER_WORD = 8

_WORD = re.compile(r"[^\W_]+")

#: Letters ``unaccent`` folds that have no canonical decomposition (so stripping marks keeps them): its
#: rules for them, both cases. The unit test checks every one against the database.
_LETTERS = str.maketrans(
    {
        "ß": "ss", "ẞ": "ss", "Æ": "ae", "æ": "ae", "Œ": "oe", "œ": "oe", "Ø": "o", "ø": "o",
        "Ł": "l", "ł": "l", "Đ": "d", "đ": "d", "Ð": "d", "ð": "d", "Þ": "th", "þ": "th",
        "Ħ": "h", "ħ": "h", "Ŧ": "t", "ŧ": "t", "Ŀ": "l", "ŀ": "l", "Ŋ": "n", "ŋ": "n",
        "İ": "i", "\u0131": "i", "Ĳ": "ij", "ĳ": "ij", "\u017f": "s", "ĸ": "q", "ŉ": "'n", "ẚ": "a",
        "ẜ": "s", "\u1e9d": "s", "Ỻ": "ll", "ỻ": "ll", "Ỽ": "v", "ỽ": "v", "Ỿ": "y", "\u1eff": "y",
        "Ё": "\u0435", "ё": "\u0435",
    }
)  # fmt: skip
#: The blocks whose letters lose their marks (canonical decomposition): Latin-1 Supplement, Latin
#: Extended-A, Latin Extended Additional, Greek and Greek Extended, as ``unaccent`` does; the Latin
#: ligatures (ﬁ → fi) by compatibility decomposition. Other letters (Latin Extended-B, Cyrillic but ё,
#: ...) stay as they are.
_MARKED = ((0x00C0, 0x0180), (0x0370, 0x0400), (0x1E00, 0x2000))
_LIGATURES = (0xFB00, 0xFB07)
#: Letters of those blocks that ``unaccent`` keeps as they are: the long s with a dot above, the Greek
#: numeral sign, the upsilon-with-hook symbols, the prosgegrammeni, and Greek Extended's duplicates of the
#: monotonic accented vowels (with oxia; text uses the tonos ones, which fold).
_KEPT = frozenset("\u1e9b\u0374\u03d3\u03d4\u1fbe\u1f71\u1f73\u1f75\u1f77\u1f79\u1f7b\u1f7d\u1fd3\u1fe3")
#: Combining diacritical marks typed on their own (decomposed text): dropped, as ``unaccent`` drops them.
_COMBINING = (0x0300, 0x0370)


def _within(char: str, block: tuple[int, int]) -> bool:
    return block[0] <= ord(char) < block[1]


def fold(text: str) -> str:
    """``text`` lower-cased with its accents folded the way the database's ``inventory.search_fold``
    (``unaccent``) then ``lower`` do, for the letters of European languages: marks dropped (``é`` → ``e``),
    ``ß`` → ``ss``, ``æ`` → ``ae``, ``œ`` → ``oe``, ``ø`` → ``o``, ``ł`` → ``l``, ``þ`` → ``th``, ligatures
    split. Symbols (``½``, ``©``) are not folded here; ``unaccent`` spells some of them out."""
    out: list[str] = []
    for char in text.translate(_LETTERS).lower():
        if _within(char, _COMBINING):
            continue
        if char in _KEPT:
            out.append(char)
        elif _within(char, _LIGATURES):
            out.append(unicodedata.normalize("NFKD", char))
        elif any(_within(char, block) for block in _MARKED):
            out.extend(c for c in unicodedata.normalize("NFD", char) if not _within(c, _COMBINING))
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """tsquery texts (cast to ``tsquery`` in SQL; every word is quoted)."""

    strict: str
    match: str
    rank_exact: str
    rank_any: str
    #: Consecutive terms side by side ("drybox 2" is the location Drybox 2, not a Drybox with spool 2);
    #: None for a one-term query. ``ts_rank`` ignores phrase operators, so it is a separate boolean bonus.
    adjacent: str | None


def words(text: str) -> list[str]:
    """Lower-cased runs of letters and digits, accents folded: the database's ``inventory.search_words``."""
    return _WORD.findall(fold(text))


def parse(q: str) -> list[Term]:
    """The query's terms (whitespace-separated, each split into words); duplicates and empty ones dropped."""
    terms: list[Term] = []
    for chunk in q.split():
        found = tuple(words(chunk))
        if found and Term(found) not in terms:
            terms.append(Term(found))
    return terms[:MAX_TERMS]


def fuzzy_words(terms: Sequence[Term]) -> list[str]:
    """The one-word terms that may be misspelt words (letters only, long enough)."""
    return [t.words[0] for t in terms if len(t.words) == 1 and _is_fuzzy(t.words[0])]


def _is_fuzzy(word: str) -> bool:
    return len(word) >= FUZZY_MIN_LENGTH and word.isalpha()


def max_typos(word: str) -> int:
    """Edits a misspelling of ``word`` may have: 1 up to 5 letters, 2 up to 9, then 3."""
    return 1 if len(word) <= 5 else 2 if len(word) <= 9 else 3


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def typo_targets(word: str, candidates: Sequence[str]) -> list[str]:
    """The candidates (the tenant's words nearest by trigrams) that ``word`` could be a misspelling of: within
    :func:`max_typos` edits, the closest first. Trigrams find candidates fast but also rate a shorter word
    that shares a stem as near (``prusamnet`` ~ ``prusa``); the edit distance keeps the ones meant."""
    limit = max_typos(word)
    scored = sorted((edit_distance(word, c), c) for c in set(candidates) if c != word)
    return [c for distance, c in scored if distance <= limit]


def _lexeme(word: str, prefix: bool = False) -> str:
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if prefix else quoted


def _any(alternatives: Sequence[str]) -> str:
    return alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")"


def _phrase(parts: Sequence[str], last_prefix: bool) -> str:
    items = [_lexeme(w) for w in parts[:-1]] + [_lexeme(parts[-1], last_prefix)]
    return "(" + " <-> ".join(items) + ")"


def build(
    terms: Sequence[Term],
    suggestions: Mapping[str, Sequence[str]],
    completions: Mapping[str, Sequence[str]] | None = None,
) -> SearchQuery:
    """The queries for ``terms``; ``suggestions`` maps a misspelt word to the tenant's words nearest to it,
    ``completions`` a word to some of the tenant's words it starts."""
    if not terms:
        raise ValueError("no terms to search for")
    strict: list[str] = []
    match: list[str] = []
    exact_items: list[str] = []
    any_items: list[str] = []
    for term in terms:
        if len(term.words) == 1:
            word = term.words[0]
            near = [_lexeme(s) for s in typo_targets(word, suggestions.get(word, ()))]
            strict.append(_any([_lexeme(word), *near]))
            # The word and its completions beside its prefix match no more rows, but PostgreSQL prices the
            # prefix alone at a flat 2 % when the column has under 100 common words, and a word from its
            # frequency (ADR 0014).
            starting = [_lexeme(c) for c in (completions or {}).get(word, ())]
            match.append(_any([_lexeme(word), _lexeme(word, prefix=True), *starting, *near]))
            exact_items.append(_lexeme(word))
            any_items += [_lexeme(word, prefix=True), *near]
        else:
            # The phrase is exact: a phrase ending in a prefix ('fil' <-> '01':*) makes the index return
            # every row with both words anywhere, each then rechecked. Identifiers carry their joined
            # tails, which a prefix of the joined term finds directly ('fil01':* → fil012).
            joined = "".join(term.words)
            phrase = _phrase(term.words, False)
            strict.append(_any([phrase, _lexeme(joined)]))
            match.append(_any([phrase, _lexeme(joined), _lexeme(joined, prefix=True)]))
            exact_items += [phrase, _lexeme(joined)]
            any_items += [phrase, _lexeme(joined, prefix=True)]
    pairs = [_phrase([a.words[-1], b.words[0]], False) for a, b in itertools.pairwise(terms)]
    return SearchQuery(
        strict=" & ".join(strict),
        match=" & ".join(match),
        rank_exact=" | ".join(exact_items),
        rank_any=" | ".join(any_items),
        adjacent=" | ".join(pairs) if pairs else None,
    )
