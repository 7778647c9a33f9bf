"""``Idempotency-Key`` on inventory's POST actions (real PostgreSQL and Redis): a retry does nothing twice."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
from batchivo_common.auth.tokens import Role
from batchivo_inventory.settings import InventorySettings

pytestmark = [pytest.mark.db, pytest.mark.redis]


@pytest.fixture(autouse=True)
async def idempotency_keys(inventory_settings: InventorySettings) -> AsyncIterator[None]:
    """Drops this module's keys after each test (the run's prefix is dropped at the end anyway)."""
    yield
    client = redis.from_url(inventory_settings.redis_url)
    try:
        async for key in client.scan_iter(match=f"{inventory_settings.redis_prefix}idem:*"):
            await client.delete(key)
    finally:
        await client.aclose()


def keyed(tenant: Any, key: str) -> dict[str, str]:
    return {**tenant.headers(), "Idempotency-Key": key}


async def spool_state(api: Any, tenant: Any, spool_id: str) -> tuple[float, list[dict[str, Any]]]:
    response = await api.client.get(f"/api/v1/spools/{spool_id}", headers=tenant.headers())
    assert response.status_code == 200, response.text
    return response.json()["current_weight"], await api.ledger(tenant, spool_id)


async def test_use_twice_with_one_key_deducts_once_and_answers_the_same(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    key = str(uuid.uuid4())
    url = f"/api/v1/spools/{spool['id']}/use"
    first = await client.post(url, json={"grams": 100, "reason": "print"}, headers=keyed(tenant, key))
    assert first.status_code == 200, first.text
    assert first.json()["current_weight"] == 900
    second = await client.post(url, json={"grams": 100, "reason": "print"}, headers=keyed(tenant, key))
    assert second.status_code == 200
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    weight, ledger = await spool_state(api, tenant, spool["id"])
    assert weight == 900
    assert [row["kind"] for row in ledger].count("usage") == 1


async def test_the_same_key_with_another_body_is_422_and_changes_nothing(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    key = str(uuid.uuid4())
    url = f"/api/v1/spools/{spool['id']}/use"
    assert (await client.post(url, json={"grams": 100}, headers=keyed(tenant, key))).status_code == 200
    before = await spool_state(api, tenant, spool["id"])
    api.error(
        await client.post(url, json={"grams": 250}, headers=keyed(tenant, key)), 422, "IDEMPOTENCY_KEY_REUSED"
    )
    # The same key on another spool is another request too.
    other = await api.spool(tenant)
    api.error(
        await client.post(
            f"/api/v1/spools/{other['id']}/use", json={"grams": 100}, headers=keyed(tenant, key)
        ),
        422,
        "IDEMPOTENCY_KEY_REUSED",
    )
    assert await spool_state(api, tenant, spool["id"]) == before
    assert (await spool_state(api, tenant, other["id"]))[0] == 1000


async def test_weigh_is_booked_once_per_key(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    url = f"/api/v1/spools/{spool['id']}/weigh"
    headers = keyed(tenant, "weigh-1")
    first = await client.post(url, json={"net_grams": 800}, headers=headers)
    assert first.status_code == 200, first.text
    # Someone uses 50 g in between; the replay of the weighing must not book it back to 800.
    assert (
        await client.post(f"/api/v1/spools/{spool['id']}/use", json={"grams": 50}, headers=tenant.headers())
    ).status_code == 200
    replay = await client.post(url, json={"net_grams": 800}, headers=headers)
    assert replay.json() == first.json()
    weight, ledger = await spool_state(api, tenant, spool["id"])
    assert weight == 750
    assert len(ledger) == 3  # initial stock, the weighing, the usage


async def test_bulk_create_is_created_once_and_replays_the_same_spools(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    body = {"filament_type_id": ft["id"], "quantity": 3, "initial_weight": 750}
    first = await client.post("/api/v1/spools/bulk", json=body, headers=keyed(tenant, "bulk-1"))
    assert first.status_code == 201, first.text
    second = await client.post("/api/v1/spools/bulk", json=body, headers=keyed(tenant, "bulk-1"))
    assert second.status_code == 201
    assert [s["id"] for s in second.json()["items"]] == [s["id"] for s in first.json()["items"]]
    listing = await client.get("/api/v1/spools", headers=tenant.headers())
    assert listing.json()["total"] == 3


async def test_create_replays_its_location_and_tenants_do_not_share_keys(api, client) -> None:
    tenant, other = api.tenant(), api.tenant()
    ft = await api.filament_type(tenant)
    body = {"filament_type_id": ft["id"], "initial_weight": 1000}
    first = await client.post("/api/v1/spools", json=body, headers=keyed(tenant, "create-1"))
    second = await client.post("/api/v1/spools", json=body, headers=keyed(tenant, "create-1"))
    assert second.status_code == first.status_code == 201
    assert second.headers["location"] == first.headers["location"]
    assert (await client.get("/api/v1/spools", headers=tenant.headers())).json()["total"] == 1
    # Another tenant with the same key (and a body naming its own type) runs its own request.
    other_ft = await api.filament_type(other)
    theirs = await client.post(
        "/api/v1/spools",
        json={"filament_type_id": other_ft["id"], "initial_weight": 1000},
        headers=keyed(other, "create-1"),
    )
    assert theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert (await client.get("/api/v1/spools", headers=other.headers())).json()["total"] == 1


async def test_a_refused_role_does_not_burn_the_key(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    url = f"/api/v1/spools/{spool['id']}/use"
    viewer = {**tenant.headers(Role.viewer), "Idempotency-Key": "role-1"}
    api.error(await client.post(url, json={"grams": 10}, headers=viewer), 403)
    # The same person, promoted, retries with the same key: the action runs.
    member = {**tenant.headers(), "Idempotency-Key": "role-1"}
    response = await client.post(url, json={"grams": 10}, headers=member)
    assert response.status_code == 200, response.text
    assert "idempotent-replayed" not in response.headers
    assert response.json()["current_weight"] == 990


async def test_an_invalid_key_is_refused_before_anything_moves(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    response = await client.post(
        f"/api/v1/spools/{spool['id']}/use", json={"grams": 10}, headers=keyed(tenant, "not a key")
    )
    api.error(response, 422, "IDEMPOTENCY_KEY_INVALID")
    assert (await spool_state(api, tenant, spool["id"]))[0] == 1000


async def test_openapi_documents_the_header_on_actions(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    params = spec["paths"]["/api/v1/spools/{spool_id}/use"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)
