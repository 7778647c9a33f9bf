"""Pure rules about people: email normalisation and the password policy (domain.md §1)."""

from __future__ import annotations

EMAIL_MAX_LENGTH = 254
FULL_NAME_MAX_LENGTH = 200
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def normalize_email(email: str) -> str:
    """Emails are compared and stored case-folded (lower-cased, surrounding blanks dropped)."""
    return email.strip().lower()
