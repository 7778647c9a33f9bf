"""The ledger invariant (current == Σ delta, rows chain) after random changes and under concurrency."""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal

import httpx
import pytest
from batchivo_common.testing.asgi_server import serve

pytestmark = pytest.mark.db


@pytest.fixture
def served_app(inventory_settings, signing_key):
    """A separate app for uvicorn (its own lifespan, engine and pool, in the server's thread).

    These tests are about correctness under contention: all requests queue on one spool's row lock while
    holding pooled connections, so on a loaded CI box the wait for a free connection can pass the 2 s
    production ``db_pool_timeout`` (a 503, seen at load 12). That timeout has its own tests; here it is
    long."""
    from batchivo_common.auth.tokens import StaticKeySource
    from batchivo_inventory.main import create_app

    settings = inventory_settings.model_copy(update={"db_pool_timeout": 30.0})
    return lambda: create_app(settings, key_source=StaticKeySource.of(signing_key), configure_process=False)


async def _check_invariant(admin_conn, spool_id: str) -> Decimal:
    current = await admin_conn.fetchval("select current_weight from inventory.spools where id = $1", spool_id)
    rows = await admin_conn.fetch(
        "select grams_before, delta, grams_after from inventory.inventory_transactions"
        " where spool_id = $1 order by created_at, id",
        spool_id,
    )
    assert sum(r["delta"] for r in rows) == current
    running = Decimal(0)
    for r in rows:
        assert r["grams_before"] == running
        assert r["grams_after"] == r["grams_before"] + r["delta"] >= 0
        running = r["grams_after"]
    assert running == current
    return current


async def test_random_sequence_keeps_the_invariant(api, client, admin_conn) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=1000, empty_spool_weight=200)
    sid = spool["id"]
    rng = random.Random(20261126)
    expected = Decimal(1000)
    for _ in range(40):
        action = rng.choice(["use", "gross", "net", "patch"])
        grams = Decimal(rng.randint(1, 120000)) / 100
        if action == "use":
            response = await client.post(
                f"/api/v1/spools/{sid}/use", json={"grams": float(grams)}, headers=tenant.headers()
            )
            if grams <= expected:
                expected -= grams
                assert response.status_code == 200
            else:
                assert response.status_code == 409
        elif action == "gross":
            # An implausible reading (below the tare, or above the initial weight) books only when confirmed.
            confirm = rng.random() < 0.5
            response = await client.post(
                f"/api/v1/spools/{sid}/weigh",
                json={"gross_grams": float(grams), "confirm": confirm},
                headers=tenant.headers(),
            )
            if 200 <= grams <= 1200 or confirm:
                expected = max(grams - 200, Decimal(0))
                assert response.status_code == 200
            else:
                assert response.status_code == 400
        elif action == "net":
            confirm = rng.random() < 0.5
            response = await client.post(
                f"/api/v1/spools/{sid}/weigh",
                json={"net_grams": float(grams), "confirm": confirm},
                headers=tenant.headers(),
            )
            if grams <= 1000 or confirm:
                expected = grams
                assert response.status_code == 200
            else:
                assert response.status_code == 400
        else:
            response = await client.patch(
                f"/api/v1/spools/{sid}", json={"current_weight": float(grams)}, headers=tenant.headers()
            )
            expected = grams
        assert response.status_code in (200, 400, 409), response.text
    assert await _check_invariant(admin_conn, sid) == expected


async def test_fifty_concurrent_uses_lose_nothing(api, client, served_app, admin_conn) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=1000)
    sid = spool["id"]
    with serve(served_app()) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            responses = await asyncio.gather(
                *(
                    http.post(f"/api/v1/spools/{sid}/use", json={"grams": 7.5}, headers=tenant.headers())
                    for _ in range(50)
                )
            )
    assert [r.status_code for r in responses] == [200] * 50, [
        r.text for r in responses if r.status_code != 200
    ]
    assert await _check_invariant(admin_conn, sid) == Decimal("625.00")
    count = await admin_conn.fetchval(
        "select count(*) from inventory.inventory_transactions where spool_id = $1 and kind = 'usage'", sid
    )
    assert count == 50


async def test_concurrent_uses_never_overdraw(api, client, served_app, admin_conn) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=100)
    sid = spool["id"]
    with serve(served_app()) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            responses = await asyncio.gather(
                *(
                    http.post(f"/api/v1/spools/{sid}/use", json={"grams": 30}, headers=tenant.headers())
                    for _ in range(10)
                )
            )
    assert sorted(r.status_code for r in responses) == [200] * 3 + [409] * 7
    assert await _check_invariant(admin_conn, sid) == Decimal(10)


async def test_concurrent_creates_get_distinct_consecutive_codes(api, client, served_app) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    body = {"filament_type_id": ft["id"], "initial_weight": 1000}
    with serve(served_app()) as base_url:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            responses = await asyncio.gather(
                *(http.post("/api/v1/spools", json=body, headers=tenant.headers()) for _ in range(20)),
                http.post("/api/v1/spools/bulk", json={**body, "quantity": 5}, headers=tenant.headers()),
            )
    assert [r.status_code for r in responses] == [201] * 21
    codes = [r.json()["code"] for r in responses[:20]] + [s["code"] for s in responses[20].json()["items"]]
    assert sorted(codes) == [f"FIL-{n:03d}" for n in range(1, 26)]
