"""Inventory through the gateway: tenant isolation and roles, end to end with real tokens from auth."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from batchivo_common.testing.assertions import assert_error

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]

PASSWORD = "correct horse battery staple"


async def shop(gateway: httpx.AsyncClient, name: str) -> dict[str, str]:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    response = await gateway.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Owner", "tenant_name": name},
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}", "email": email}


def auth(headers: dict[str, str]) -> dict[str, str]:
    return {"Authorization": headers["Authorization"]}


async def add_spool(gateway: httpx.AsyncClient, owner: dict[str, str]) -> dict[str, Any]:
    materials = await gateway.get("/api/v1/material-types", headers=auth(owner))
    assert materials.status_code == 200, materials.text
    pla = next(m for m in materials.json()["items"] if m["code"] == "PLA")
    filament = await gateway.post(
        "/api/v1/filament-types",
        json={
            "material_type_id": pla["id"],
            "brand": "Prusament",
            "color_name": "Galaxy Black",
            "color_hex": "#1A1A1A",
        },
        headers=auth(owner),
    )
    assert filament.status_code == 201, filament.text
    spool = await gateway.post(
        "/api/v1/spools",
        json={"filament_type_id": filament.json()["id"], "initial_weight": 1000, "current_weight": 1000},
        headers=auth(owner),
    )
    assert spool.status_code == 201, spool.text
    body: dict[str, Any] = spool.json()
    return body


async def test_another_shop_cannot_see_or_touch_a_spool(gateway: httpx.AsyncClient) -> None:
    shop_a, shop_b = await shop(gateway, "Shop A"), await shop(gateway, "Shop B")
    spool = await add_spool(gateway, shop_a)
    assert spool["code"] == "FIL-001"
    assert (await gateway.get(f"/api/v1/spools/{spool['id']}", headers=auth(shop_a))).status_code == 200

    assert_error(await gateway.get(f"/api/v1/spools/{spool['id']}", headers=auth(shop_b)), 404, "NOT_FOUND")
    use = await gateway.post(f"/api/v1/spools/{spool['id']}/use", json={"grams": 5}, headers=auth(shop_b))
    assert_error(use, 404, "NOT_FOUND")
    listed = (await gateway.get("/api/v1/spools", headers=auth(shop_b))).json()
    assert listed["total"] == 0
    assert listed["items"] == []
    # Shop A's spool is untouched by B's attempt.
    again = (await gateway.get(f"/api/v1/spools/{spool['id']}", headers=auth(shop_a))).json()
    assert float(again["current_weight"]) == 1000


async def test_a_viewer_reads_but_cannot_write(gateway: httpx.AsyncClient) -> None:
    owner = await shop(gateway, "Owner Shop")
    spool = await add_spool(gateway, owner)
    viewer = await shop(gateway, "Viewer Home")
    invited = await gateway.post(
        "/api/v1/tenant/invitations", json={"email": viewer["email"], "role": "viewer"}, headers=auth(owner)
    )
    assert invited.status_code == 201, invited.text
    accepted = await gateway.post(
        f"/api/v1/auth/invitations/{invited.json()['id']}/accept", headers=auth(viewer)
    )
    assert accepted.status_code == 200, accepted.text
    tenant_id = (await gateway.get("/api/v1/auth/me", headers=auth(owner))).json()["tenant"]["id"]
    switched = await gateway.post(
        "/api/v1/auth/switch-tenant", json={"tenant_id": tenant_id}, headers=auth(viewer)
    )
    assert switched.status_code == 200, switched.text
    as_viewer = {"Authorization": f"Bearer {switched.json()['access_token']}"}

    assert (await gateway.get(f"/api/v1/spools/{spool['id']}", headers=as_viewer)).status_code == 200
    use = await gateway.post(f"/api/v1/spools/{spool['id']}/use", json={"grams": 5}, headers=as_viewer)
    assert_error(use, 403, "FORBIDDEN")
    assert_error(await gateway.post("/api/v1/spools", json={}, headers=as_viewer), 403, "FORBIDDEN")


async def test_a_retried_use_with_an_idempotency_key_deducts_once(gateway: httpx.AsyncClient) -> None:
    owner = await shop(gateway, "Retry Shop")
    spool = await add_spool(gateway, owner)
    url = f"/api/v1/spools/{spool['id']}/use"
    headers = {**auth(owner), "Idempotency-Key": str(uuid.uuid4())}
    first = await gateway.post(url, json={"grams": 40}, headers=headers)
    assert first.status_code == 200, first.text
    retry = await gateway.post(url, json={"grams": 40}, headers=headers)
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"  # the gateway passes the service's header on
    assert_error(await gateway.post(url, json={"grams": 41}, headers=headers), 422, "IDEMPOTENCY_KEY_REUSED")
    now = (await gateway.get(f"/api/v1/spools/{spool['id']}", headers=auth(owner))).json()
    assert float(now["current_weight"]) == 960
