"""API-key scopes on every route of the auth service (docs/api.md): a read-only key is
refused every write with 403 INSUFFICIENT_SCOPE and reads; no scope lets a key write here."""

from __future__ import annotations

import httpx
from batchivo_common.auth.tokens import TokenIssuer
from batchivo_common.testing.scopes import check_scope_enforcement
from fastapi import FastAPI


async def test_no_scope_lets_a_key_write_here(
    client: httpx.AsyncClient, app: FastAPI, token_issuer: TokenIssuer
) -> None:
    routes = await check_scope_enforcement(
        client,
        app,
        token_issuer,
        "auth",
        reads_not_200={
            "/api/v1/auth/invitations",  # people only: 403 FORBIDDEN for any key
            "/api/v1/auth/me",  # the tokens' user is made up: 401
        },
    )
    assert any(r.method == "PATCH" and r.path == "/api/v1/tenant/members/{user_id}" for r in routes)
