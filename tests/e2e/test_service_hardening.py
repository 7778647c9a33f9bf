"""Bad input is refused by the services with a 422 and never poisons the gateway's connections.

Through the real gateway to the real auth and inventory services: text PostgreSQL cannot store (NUL,
lone surrogates), out-of-range paging, and one tenant's bad requests interleaved with another tenant's
good ones on the same upstream connection pool.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from batchivo_common.testing.assertions import assert_error

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]

PASSWORD = "correct horse battery staple"


async def shop(gateway: httpx.AsyncClient, name: str) -> dict[str, str]:
    response = await gateway.post(
        "/api/v1/auth/register",
        json={
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "password": PASSWORD,
            "full_name": "Owner",
            "tenant_name": name,
        },
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def add_spool(gateway: httpx.AsyncClient, owner: dict[str, str]) -> dict[str, Any]:
    materials = await gateway.get("/api/v1/material-types", headers=owner)
    assert materials.status_code == 200, materials.text
    pla = next(m for m in materials.json()["items"] if m["code"] == "PLA")
    filament = await gateway.post(
        "/api/v1/filament-types",
        json={"material_type_id": pla["id"], "brand": "Prusament", "color_name": "Galaxy Black"},
        headers=owner,
    )
    assert filament.status_code == 201, filament.text
    spool = await gateway.post(
        "/api/v1/spools",
        json={"filament_type_id": filament.json()["id"], "initial_weight": 1000, "current_weight": 1000},
        headers=owner,
    )
    assert spool.status_code == 201, spool.text
    body: dict[str, Any] = spool.json()
    return body


async def test_one_shops_bad_text_never_breaks_another_shops_requests(gateway: httpx.AsyncClient) -> None:
    shop_a, shop_b = await shop(gateway, "Shop A"), await shop(gateway, "Shop B")
    spool_a, spool_b = await add_spool(gateway, shop_a), await add_spool(gateway, shop_b)

    a_answers: list[tuple[int, Any]] = []
    b_answers: list[tuple[int, str]] = []
    for _ in range(10):
        bad = await gateway.patch(
            f"/api/v1/spools/{spool_a['id']}", json={"supplier": "Acme\u0000Ltd"}, headers=shop_a
        )
        a_answers.append((bad.status_code, bad.json().get("errors", [{}])[0].get("loc")))
        good = await gateway.post(f"/api/v1/spools/{spool_b['id']}/use", json={"grams": 1}, headers=shop_b)
        b_answers.append((good.status_code, good.text[:80]))
    assert a_answers == [(422, ["body", "supplier"])] * 10
    assert [status for status, _ in b_answers] == [200] * 10, b_answers

    # Shop A's spool is unchanged, shop B's lost exactly the ten grams it used.
    after_a = (await gateway.get(f"/api/v1/spools/{spool_a['id']}", headers=shop_a)).json()
    assert after_a["supplier"] is None
    after_b = (await gateway.get(f"/api/v1/spools/{spool_b['id']}", headers=shop_b)).json()
    assert float(after_b["current_weight"]) == 990


async def test_register_with_a_nul_in_the_name_is_a_validation_error(gateway: httpx.AsyncClient) -> None:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    response = await gateway.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Ada\u0000", "tenant_name": "Nul Shop"},
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["errors"][0]["loc"] == ["body", "full_name"]
    # Nothing was created: the same email registers cleanly afterwards.
    again = await gateway.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Ada", "tenant_name": "Nul Shop"},
    )
    assert again.status_code == 201, again.text


async def test_a_lone_surrogate_in_notes_is_a_validation_error(gateway: httpx.AsyncClient) -> None:
    owner = await shop(gateway, "Surrogate Shop")
    spool = await add_spool(gateway, owner)
    # Written by hand: a JSON encoder would refuse to produce an unpaired surrogate escape.
    raw = b'{"notes": "half a pair \\ud800 here"}'
    response = await gateway.patch(
        f"/api/v1/spools/{spool['id']}",
        content=raw,
        headers={**owner, "content-type": "application/json"},
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["errors"][0]["loc"] == ["body", "notes"]
    # The service still answers on the same pool.
    assert (await gateway.get(f"/api/v1/spools/{spool['id']}", headers=owner)).status_code == 200


async def test_nul_in_a_query_string_is_a_validation_error(gateway: httpx.AsyncClient) -> None:
    owner = await shop(gateway, "Query Shop")
    for name in ("q", "location", "material"):
        response = await gateway.get("/api/v1/spools", params={name: "PLA\u0000"}, headers=owner)
        body = assert_error(response, 422, "VALIDATION_ERROR")
        assert body["errors"][0]["loc"] == ["query", name]


async def test_an_offset_past_the_maximum_is_a_validation_error(gateway: httpx.AsyncClient) -> None:
    owner = await shop(gateway, "Paging Shop")
    lists = (
        "/api/v1/spools",
        "/api/v1/inventory/transactions",
        "/api/v1/material-types",
        "/api/v1/filament-types",
        "/api/v1/tenant/members",
        "/api/v1/api-keys",
    )
    for path in lists:
        response = await gateway.get(path, params={"offset": 2**63}, headers=owner)
        body = assert_error(response, 422, "VALIDATION_ERROR")
        assert body["errors"][0]["loc"] == ["query", "offset"]


async def test_a_body_too_big_or_too_deep_is_refused_and_the_next_request_works(
    gateway: httpx.AsyncClient,
) -> None:
    owner = await shop(gateway, "Limits Shop")
    spool = await add_spool(gateway, owner)
    url = f"/api/v1/spools/{spool['id']}"
    big = await gateway.patch(url, json={"notes": "x" * (2 * 1024 * 1024)}, headers=owner)
    assert_error(big, 413, "PAYLOAD_TOO_LARGE")
    deep = b'{"notes": "n", "x": ' + b"[" * 100 + b"]" * 100 + b"}"
    too_deep = await gateway.patch(url, content=deep, headers={**owner, "content-type": "application/json"})
    assert_error(too_deep, 422, "VALIDATION_ERROR")
    assert (await gateway.get(url, headers=owner)).status_code == 200
