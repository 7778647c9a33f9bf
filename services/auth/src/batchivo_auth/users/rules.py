"""Pure rules about people: email normalisation and the password policy (domain.md §1)."""

from __future__ import annotations

from batchivo_common.identifiers import normalize_identifier

EMAIL_MAX_LENGTH = 254
FULL_NAME_MAX_LENGTH = 200
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def normalize_email(email: str) -> str:
    """Emails are compared and stored NFKC case-folded, with the gateway's one normalisation (its login
    limits key on the same form), so a full-width ``ADA@example.com`` is ``ada@example.com``."""
    return normalize_identifier(email)
