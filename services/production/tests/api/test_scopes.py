"""API-key scopes on every route of the production service (docs/api.md): a read-only key is
refused every write with 403 INSUFFICIENT_SCOPE and reads; only ``production:write`` lets a key write here."""

from __future__ import annotations

import httpx
from batchivo_common.auth.tokens import TokenIssuer
from batchivo_common.testing.scopes import check_scope_enforcement
from fastapi import FastAPI


async def test_every_write_needs_the_production_write_scope(
    client: httpx.AsyncClient, app: FastAPI, token_issuer: TokenIssuer
) -> None:
    routes = await check_scope_enforcement(
        client,
        app,
        token_issuer,
        "production",
        reads_not_200={"/api/v1/production/defaults"},  # needs model_id
    )
    assert any(r.method == "PATCH" and r.path == "/api/v1/production-runs/{run_id}" for r in routes)
