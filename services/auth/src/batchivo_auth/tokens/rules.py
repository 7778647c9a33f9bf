"""Pure rules of credentials: refresh tokens, API keys, their hashes, deny-list lifetimes.

Refresh tokens and API keys are long random secrets (256 bits), so a fast hash (sha256) is the right way
to store them: nobody can brute-force 2**256 guesses, and lookups by hash stay indexable and cheap.
bcrypt's deliberate slowness is for passwords, which people choose and which therefore can be guessed.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
import string
from datetime import datetime, timedelta

from batchivo_common.auth.tokens import Role

REFRESH_TOKEN_BYTES = 32
#: ``token_urlsafe(32)`` is 43 characters; anything much longer is not one of ours.
REFRESH_TOKEN_MAX_LENGTH = 128
#: Default of ``AUTH_REFRESH_REUSE_GRACE_SECONDS`` and its upper bound (a longer window helps a thief more
#: than it helps a browser, whose tabs refresh within a second or two of each other).
REFRESH_REUSE_GRACE_SECONDS = 20
REFRESH_REUSE_GRACE_MAX_SECONDS = 60

API_KEY_SCHEME = "bvk"
API_KEY_PREFIX_LENGTH = 8
API_KEY_SECRET_BYTES = 32
API_KEY_MAX_LENGTH = 128
API_KEY_NAME_MAX_LENGTH = 100
#: Letters and digits only (a url-safe subset without ``_``), so ``bvk_<prefix>_<secret>`` splits cleanly.
_PREFIX_ALPHABET = string.ascii_letters + string.digits
_API_KEY = re.compile(
    rf"^{API_KEY_SCHEME}_([A-Za-z0-9]{{{API_KEY_PREFIX_LENGTH}}})_([A-Za-z0-9_-]{{20,100}})$"
)


def hash_secret(secret: str) -> str:
    """sha256 hex of a high-entropy secret (refresh token, whole API key): what the database stores."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_refresh_token() -> str:
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def new_api_key() -> tuple[str, str]:
    """``(key, prefix)``: ``bvk_<prefix>_<secret>``; the prefix (8 characters) is what users see later."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(API_KEY_PREFIX_LENGTH))
    return f"{API_KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(API_KEY_SECRET_BYTES)}", prefix


def api_key_prefix(key: str) -> str | None:
    """The display prefix of a well-formed key, None for anything else (refused without a lookup)."""
    match = _API_KEY.match(key)
    return match.group(1) if match else None


def can_issue_api_key(actor: Role, role: Role) -> bool:
    """Admins and owners create (and revoke) keys, never one that outranks themselves."""
    return actor.at_least(Role.admin) and actor.at_least(role)


class RefreshVerdict(enum.StrEnum):
    """What a refresh does with the token presented."""

    #: Never used: rotate it (mark it used) and issue its successor.
    ROTATE = "rotate"
    #: Used moments ago by the same family's latest rotation: honour it again (a sibling successor,
    #: nothing revoked). Several tabs of one browser send the same cookie at once.
    GRACE = "grace"
    #: A used token came back outside the grace window: two parties hold the session; revoke it.
    THEFT = "theft"


def refresh_verdict(
    *, used_at: datetime | None, latest_rotation: datetime | None, now: datetime, grace_seconds: int
) -> RefreshVerdict:
    """Reuse detection with a grace window (docs/adr/0006-browser-sessions.md).

    ``used_at``: when the presented token was rotated (None: never). ``latest_rotation``: the latest
    ``used_at`` in its family. A used token is honoured again only if its rotation is the family's latest
    one (nothing in the family has been rotated since) and it happened less than ``grace_seconds`` ago;
    ``grace_seconds <= 0`` turns the window off. A ``used_at`` in the future (clocks of two replicas) counts
    as just now.
    """
    if used_at is None:
        return RefreshVerdict.ROTATE
    if grace_seconds <= 0:
        return RefreshVerdict.THEFT
    if latest_rotation is not None and used_at < latest_rotation:
        return RefreshVerdict.THEFT
    if now - used_at >= timedelta(seconds=grace_seconds):
        return RefreshVerdict.THEFT
    return RefreshVerdict.GRACE


def deny_ttl_seconds(expires_at: int, now: int) -> int:
    """How long a revoked access token stays on the deny-list: until it would expire anyway (at least 1 s)."""
    return max(1, expires_at - now)
