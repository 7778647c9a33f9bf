"""Every POST route of catalog honours `Idempotency-Key` (ADR 0011) or is on the documented exempt list
(docs/api.md, "Idempotency"): a new POST without it fails here."""

from __future__ import annotations

from batchivo_common.testing.routes import assert_posts_idempotent
from fastapi import FastAPI

EXEMPT: dict[str, str] = {}


def test_every_post_route_is_idempotent_or_exempt(app: FastAPI) -> None:
    assert_posts_idempotent(app, EXEMPT)
