"""The one normalisation of user-typed identifiers (emails), shared by the gateway and auth.

The gateway keys its login limits on it and auth stores and looks up emails with it, so every spelling that
means the same address (``ADA@example.com``, or the same in full-width letters) counts against the same
limit and names the same account.
"""

from __future__ import annotations

import unicodedata


def fullwidth(value: str) -> str:
    """``value`` with its printable ASCII in full-width forms (``A`` → U+FF21): for tests of the above."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)


def normalize_identifier(value: str) -> str:
    """NFKC case folding (Unicode's ``NFKC_Casefold`` approximated as NFKC → casefold → NFKC), trimmed.

    NFKC maps compatibility forms (full-width letters, ligatures) to their plain letters; casefold is the
    caseless matching of Unicode (``ß`` → ``ss``); the second NFKC re-composes what case folding split.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return folded.strip()
