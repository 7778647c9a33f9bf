"""The request a receiver gets, and its signature (docs/adr/0019-webhooks.md, services/webhooks/README.md).

Body: the JSON object ``{"delivery_id","event_id","type","occurred_at","tenant_id","data"}``, serialised
compactly with sorted keys (the stored ``payload`` serialised the same way on every attempt, so a retry
sends the same bytes). Signature: ``v1=<hex HMAC-SHA256(key=secret as UTF-8, msg=f"{timestamp}.{body}")>``;
during the 24 h after a secret rotation the header carries two values, ``v1=<new> v1=<old>``, separated by
a space. A receiver must accept a request if any ``v1`` value matches, and refuse timestamps more than
:data:`REPLAY_WINDOW_SECONDS` from its own clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

SECRET_PREFIX = "whsec_"
SECRET_RANDOM_BYTES = 32
#: Receivers refuse a request whose timestamp is further than this from now (the replay window).
REPLAY_WINDOW_SECONDS = 300
USER_AGENT = "Batchivo-Webhooks/1"
SIGNATURE_HEADER = "Batchivo-Webhook-Signature"
ID_HEADER = "Batchivo-Webhook-Id"
TIMESTAMP_HEADER = "Batchivo-Webhook-Timestamp"
EVENT_TYPE_HEADER = "Batchivo-Event-Type"


def new_secret() -> str:
    """``whsec_`` + 32 random bytes, base64url without padding."""
    raw = secrets.token_bytes(SECRET_RANDOM_BYTES)
    return SECRET_PREFIX + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def secret_hint(secret: str) -> str:
    """What reads show of a secret: its last 4 characters."""
    return secret[-4:]


def build_payload(
    *,
    delivery_id: str,
    event_id: str,
    event_type: str,
    occurred_at: datetime,
    tenant_id: str,
    data: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "delivery_id": delivery_id,
        "event_id": event_id,
        "type": event_type,
        "occurred_at": occurred_at.isoformat().replace("+00:00", "Z"),
        "tenant_id": tenant_id,
        "data": dict(data),
    }


def body_bytes(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes sent: compact JSON, keys sorted, UTF-8."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed by the secret's UTF-8 bytes."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets_: Sequence[str], timestamp: int, body: bytes) -> str:
    """``v1=<hex>`` per secret (the current one first), space-separated."""
    return " ".join(f"v1={sign(secret, timestamp, body)}" for secret in secrets_)


def request_headers(*, delivery_id: str, event_type: str, timestamp: int, signature: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        ID_HEADER: delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
        EVENT_TYPE_HEADER: event_type,
        SIGNATURE_HEADER: signature,
    }
