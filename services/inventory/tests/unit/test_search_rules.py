"""The spool search's pure rules: query words, typo targets and the tsquery texts (no database)."""

from __future__ import annotations

import pytest
from batchivo_inventory.spools import search
from batchivo_inventory.spools.search import Term


def test_words_are_lower_case_runs_of_letters_and_digits_with_accents_folded() -> None:
    assert search.words("FIL-012 Galaxy_Black, Électrique 3.5") == [
        "fil",
        "012",
        "galaxy",
        "black",
        "electrique",
        "3",
        "5",
    ]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Café Brown", "cafe brown"),
        ("Grün", "grun"),
        ("ÜBERSETZEN", "ubersetzen"),
        ("Straße STRAẞE", "strasse strasse"),
        ("Ærø Œuvre", "aero oeuvre"),
        ("Łódź Ødegaard Þór Đakovo", "lodz odegaard thor dakovo"),
        ("Cafe\u0301", "cafe"),  # decomposed: the combining acute is dropped
        ("ﬁlament", "filament"),
        ("İstanbul ılık", "istanbul ilik"),  # noqa: RUF001 - the dotless i is the point
        ("Αθήνα Ёлка", "αθηνα елка"),
        ("½ ©", "½ ©"),  # symbols are not letters: left to the database (not promised to match)
        ("ǣ ƥ", "ǣ ƥ"),  # Latin Extended-B: unaccent leaves most of it, so does the service
    ],
)
def test_fold_drops_marks_and_spells_out_the_letters_unaccent_spells_out(text: str, folded: str) -> None:
    assert search.fold(text) == folded


def test_a_query_with_or_without_accents_has_the_same_words() -> None:
    assert search.parse("café grün") == search.parse("CAFE Grun")


def test_terms_split_on_whitespace_drop_empty_and_repeated_ones_and_are_capped() -> None:
    assert search.parse("  red   PLA red -- FIL-01 ") == [Term(("red",)), Term(("pla",)), Term(("fil", "01"))]
    assert search.parse("?! --") == []
    assert len(search.parse(" ".join(f"w{n}" for n in range(20)))) == search.MAX_TERMS


def test_only_long_enough_words_of_letters_are_looked_up_for_typos() -> None:
    terms = search.parse("glaxy red 12 fil-01 pla4 blak")
    assert search.fuzzy_words(terms) == ["glaxy", "blak"]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("glaxy", "galaxy", 1),
        ("prusamnet", "prusament", 1),
        ("prusamnet", "prusa", 4),
        ("", "abc", 3),
        ("abc", "abc", 0),
        ("ab", "ba", 1),
    ],
)
def test_edit_distance_counts_a_swap_of_neighbours_as_one(a: str, b: str, distance: int) -> None:
    assert search.edit_distance(a, b) == distance == search.edit_distance(b, a)


def test_typo_targets_keep_the_close_words_closest_first() -> None:
    assert search.typo_targets("prusamnet", ["prusa", "prusament", "prusamnet"]) == ["prusament"]
    assert search.typo_targets("blak", ["black", "blank", "blue"]) == ["black", "blank"]
    assert search.typo_targets("glaxy", ["galaxy", "gray"]) == ["galaxy"]
    assert search.typo_targets("abcdefghijk", ["abcdefghxyz"]) == ["abcdefghxyz"]  # 3 edits at 11 letters
    assert search.typo_targets("abcde", ["abxyz"]) == []


def test_one_query_with_prefixes_phrases_typos_and_adjacency() -> None:
    query = search.build(search.parse("glaxy FIL-01 red"), {"glaxy": ["galaxy", "gala"]})
    assert query.strict == "('glaxy' | 'galaxy') & (('fil' <-> '01') | 'fil01') & 'red'"
    assert query.match == (
        "('glaxy' | 'glaxy':* | 'galaxy') & (('fil' <-> '01') | 'fil01' | 'fil01':*) & ('red' | 'red':*)"
    )
    assert query.rank_exact == "'glaxy' | ('fil' <-> '01') | 'fil01' | 'red'"
    assert query.rank_any == "'glaxy':* | 'galaxy' | ('fil' <-> '01') | 'fil01':* | 'red':*"
    assert query.adjacent == "('glaxy' <-> 'fil') | ('01' <-> 'red')"
    assert search.build(search.parse("red"), {}).adjacent is None


def test_completions_join_the_match_as_exact_words_and_change_no_rank() -> None:
    # The tenant's words a term starts price the prefix for the planner; they match nothing it does not.
    query = search.build(search.parse("colo"), {}, completions={"colo": ["colour", "colourful"]})
    assert query.match == "('colo' | 'colo':* | 'colour' | 'colourful')"
    assert (query.strict, query.rank_exact, query.rank_any) == ("'colo'", "'colo'", "'colo':*")


def test_quotes_and_backslashes_cannot_leave_a_lexeme() -> None:
    # words() keeps only letters and digits, but the quoting holds for any word given to build()
    query = search.build([Term(("o'brien\\",))], {})
    assert query.strict == "'o''brien\\\\'"
    with pytest.raises(ValueError):
        search.build([], {})
