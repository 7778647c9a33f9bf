"""The service folds a query's words as the database folds the documents' (migration 0009: ``unaccent``):
``spools/search.py``'s ``words`` and ``inventory.search_words`` must agree, or a query typed with an accent
(or without one) would miss the spool it names."""

from __future__ import annotations

import unicodedata

import pytest
from batchivo_inventory.spools import search

pytestmark = pytest.mark.db

TRICKY = [
    "Café Brown",
    "CAFE brown",
    "Grün",
    "Über-Gelb Übersetzen",
    "Straße STRAẞE",
    "Ærø Œuvre Ødegaard",
    "Łódź Đakovo Þór Ħamrun",
    "Cafe\u0301 Gru\u0308n",  # decomposed, as some keyboards and file systems send it
    "ﬁlament ﬂow",
    "İstanbul ılık",  # noqa: RUF001 - the dotless i is the point
    "Ñandú São Paulo Čeština Żółty",
    "Tiếng Việt",
    "Αθήνα Ёлка",
    "FIL-012 LOT-2024-0117",
    "PLA+ PETG-CF",
    "l·l ŀl",
]

#: Every letter of the blocks ``fold`` promises (Latin-1 Supplement, Latin Extended-A, Greek, Latin Extended
#: Additional, Greek Extended, the Latin ligatures), each between two ASCII letters so that a letter folded
#: to nothing, to two letters or to a word break shows.
BLOCKS = [(0x00C0, 0x0180), (0x0370, 0x0400), (0x1E00, 0x2000), (0xFB00, 0xFB07)]
LETTERS = [
    chr(code)
    for start, end in BLOCKS
    for code in range(start, end)
    if unicodedata.category(chr(code)).startswith("L")
]


async def _database_words(admin_conn, texts: list[str]) -> list[list[str]]:
    rows = await admin_conn.fetch(
        "select t.n, inventory.search_words(t.value) as words"
        " from unnest($1::text[]) with ordinality as t(value, n) order by t.n",
        texts,
    )
    return [list(r["words"]) for r in rows]


async def test_the_service_and_the_database_fold_tricky_text_alike(admin_conn) -> None:
    database = await _database_words(admin_conn, TRICKY)
    assert [search.words(t) for t in TRICKY] == database
    # and the folds are the ones promised (not merely equal)
    assert database[0] == database[1] == ["cafe", "brown"]
    assert database[4] == ["strasse", "strasse"]
    assert database[5] == ["aero", "oeuvre", "odegaard"]
    assert database[7] == ["cafe", "grun"]


async def test_the_service_and_the_database_fold_every_letter_of_the_promised_blocks(admin_conn) -> None:
    texts = [f"x{letter}y" for letter in LETTERS]
    database = await _database_words(admin_conn, texts)
    differ = [
        (f"U+{ord(letter):04X}", service, db)
        for letter, text, db in zip(LETTERS, texts, database, strict=True)
        if (service := search.words(text)) != db
    ]
    assert differ == []
    assert len(LETTERS) > 600
