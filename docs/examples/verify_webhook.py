"""Verify a Batchivo webhook request (docs/api.md, "Webhooks"). Standard library only; Python 3.9+.

    from verify_webhook import verify_webhook

    ok = verify_webhook(secret, request.headers, raw_body)   # raw_body: the exact bytes received

Use the raw body as received, before any JSON parsing: re-serialising changes the bytes and the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping

#: Refuse a request whose timestamp is further than this from your clock (seconds).
REPLAY_WINDOW_SECONDS = 300
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """True when ``Batchivo-Webhook-Signature`` holds a ``v1=`` value equal to
    hex(HMAC-SHA256(secret, "<Batchivo-Webhook-Timestamp>.<body>")) and the timestamp is within
    ``tolerance`` seconds of now. During a secret rotation the header holds several ``v1=`` values
    (space-separated): any one matching is enough."""
    timestamp = _header(headers, "Batchivo-Webhook-Timestamp")
    signature = _header(headers, "Batchivo-Webhook-Signature")
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        return False  # too old (a replay) or from a clock far off
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    candidates = [
        part[3:]
        for part in signature.replace(",", " ").split()
        if part.startswith("v1=") and _HEX_DIGEST.fullmatch(part[3:])
    ]
    # compare_digest takes the same time whatever the first differing character: no timing oracle.
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)
