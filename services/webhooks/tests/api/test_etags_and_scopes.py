"""ETag / If-Match on the endpoint PATCH, and API-key scopes on every route of the webhooks service (the
shared checks of batchivo_common.testing: the routes come from the OpenAPI, so a new one fails here until
it is guarded and has a case)."""

from __future__ import annotations

import httpx
import pytest
from batchivo_common.auth.tokens import TokenIssuer
from batchivo_common.testing.etags import PatchCase, check_patch_preconditions
from batchivo_common.testing.scopes import check_scope_enforcement
from fastapi import FastAPI

pytestmark = [pytest.mark.db, pytest.mark.redis]

URL = "https://93.184.215.14/hooks"  # a public literal: nothing to resolve


async def test_the_endpoint_patch_refuses_a_stale_etag(
    client: httpx.AsyncClient, app: FastAPI, new_tenant
) -> None:
    shop = new_tenant()

    async def endpoint() -> PatchCase:
        created = await client.post(
            "/api/v1/webhooks/endpoints",
            json={"url": URL, "event_types": ["inventory.spool.created.v1"]},
            headers=shop.headers(),
        )
        assert created.status_code == 201, created.text
        url = f"/api/v1/webhooks/endpoints/{created.json()['id']}"
        return PatchCase(url, url, {"description": "ERP"}, {"description": "shop front"}, shop.headers())

    await check_patch_preconditions(client, app, {"/api/v1/webhooks/endpoints/{endpoint_id}": endpoint})


async def test_every_write_needs_the_webhooks_write_scope(
    client: httpx.AsyncClient, app: FastAPI, token_issuer: TokenIssuer
) -> None:
    routes = await check_scope_enforcement(client, app, token_issuer, "webhooks")
    assert any(r.method == "PATCH" and r.path == "/api/v1/webhooks/endpoints/{endpoint_id}" for r in routes)
