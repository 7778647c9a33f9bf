"""Every POST route of webhooks honours `Idempotency-Key` (ADR 0011) or is on the documented exempt list
(docs/api.md, "Idempotency"): a new POST without it fails here."""

from __future__ import annotations

from batchivo_common.testing.routes import assert_posts_idempotent
from fastapi import FastAPI

#: A replay would have to keep the answer, and these answers carry a secret shown once (ADR 0019).
EXEMPT: dict[str, str] = {
    "POST /api/v1/webhooks/endpoints": "the answer holds the signing secret, shown once",
    "POST /api/v1/webhooks/endpoints/{endpoint_id}/rotate-secret": "the answer holds the new secret",
}


def test_every_post_route_is_idempotent_or_exempt(app: FastAPI) -> None:
    assert_posts_idempotent(app, EXEMPT)
