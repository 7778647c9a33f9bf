"""The body and signature recipe, checked against hmac directly (not through the code under test)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

from batchivo_webhooks.signing import body_bytes, build_payload, new_secret, signature_header


def test_secret_format() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    raw = secret.removeprefix("whsec_")
    assert len(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))) == 32
    assert new_secret() != secret


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    payload = build_payload(
        delivery_id="d",
        event_id="e",
        event_type="inventory.spool.created.v1",
        occurred_at=datetime(2026, 12, 6, 10, 0, tzinfo=UTC),
        tenant_id="t",
        data={"b": 1, "a": "é"},
    )
    body = body_bytes(payload)
    assert json.loads(body) == payload
    assert payload["occurred_at"] == "2026-12-06T10:00:00Z"
    expected = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature_header(["whsec_x"], 1700000000, body) == f"v1={expected}"
    old = hmac.new(b"whsec_old", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature_header(["whsec_x", "whsec_old"], 1700000000, body) == f"v1={expected} v1={old}"
