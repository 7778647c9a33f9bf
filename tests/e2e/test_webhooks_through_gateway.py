"""Webhooks through the gateway only, against the real auth and webhooks services: a shop owner registers
an endpoint (the secret answered once), reads it back without the secret, and a private URL is refused."""

from __future__ import annotations

import uuid

import httpx
import pytest
from batchivo_common.testing.assertions import assert_error

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]


async def _owner(gateway: httpx.AsyncClient) -> dict[str, str]:
    r = await gateway.post(
        "/api/v1/auth/register",
        json={
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "full_name": "Owner",
            "tenant_name": "Print Shop",
        },
    )
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def test_an_owner_manages_endpoints_through_the_gateway(gateway: httpx.AsyncClient) -> None:
    owner = await _owner(gateway)
    types = await gateway.get("/api/v1/webhooks/event-types", headers=owner)
    assert types.status_code == 200 and "production.run.completed.v1" in [t["type"] for t in types.json()]
    created = await gateway.post(
        "/api/v1/webhooks/endpoints",
        json={"url": "https://93.184.215.14/hooks", "event_types": ["production.run.completed.v1"]},
        headers=owner,
    )
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    listed = await gateway.get("/api/v1/webhooks/endpoints", headers=owner)
    assert listed.status_code == 200 and listed.json()["total"] == 1
    assert secret not in listed.text
    refused = await gateway.post(
        "/api/v1/webhooks/endpoints",
        json={"url": "https://169.254.169.254/latest", "event_types": ["production.run.completed.v1"]},
        headers=owner,
    )
    assert_error(refused, 422, "WEBHOOK_URL_PRIVATE_ADDRESS")
    assert_error(await gateway.get("/api/v1/webhooks/endpoints"), 401)
