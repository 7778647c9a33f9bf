"""A partner system through the gateway with an API key: keyed POSTs replayed, and a JSON Lines export paged
by following the `Link` header the services write (a relative link, right behind the gateway)."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from batchivo_common.testing.assertions import assert_error

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]

PASSWORD = "correct horse battery staple"


async def test_a_key_pages_a_spools_export_by_its_link_headers(gateway: httpx.AsyncClient) -> None:
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    registered = await gateway.post(
        "/api/v1/auth/register",
        json={"email": email, "password": PASSWORD, "full_name": "Owner", "tenant_name": "Partner Shop"},
    )
    assert registered.status_code == 201, registered.text
    owner = {"Authorization": f"Bearer {registered.json()['access_token']}"}
    created = await gateway.post("/api/v1/api-keys", json={"name": "erp", "role": "member"}, headers=owner)
    assert created.status_code == 201, created.text
    key = {"X-API-Key": created.json()["key"]}

    materials = (await gateway.get("/api/v1/material-types?limit=200", headers=key)).json()["items"]
    pla = next(m for m in materials if m["code"] == "PLA")
    filament = await gateway.post(
        "/api/v1/filament-types",
        json={"material_type_id": pla["id"], "brand": "Acme", "color_name": "Red"},
        headers=key,
    )
    assert filament.status_code == 201, filament.text
    made = []
    for i in range(3):
        body = {"filament_type_id": filament.json()["id"], "initial_weight": 1000}
        keyed = {**key, "Idempotency-Key": f"spool-{i}"}
        first = await gateway.post("/api/v1/spools", json=body, headers=keyed)
        assert first.status_code == 201, first.text
        again = await gateway.post("/api/v1/spools", json=body, headers=keyed)  # a retry: replayed
        assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
        assert again.headers["idempotent-replayed"] == "true"
        made.append(first.json()["id"])

    seen: list[str] = []
    url: str | None = "/api/v1/inventory/export/spools.jsonl?limit=2"
    while url is not None:
        response = await gateway.get(url, headers=key)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/x-ndjson")
        seen += [json.loads(line)["id"] for line in response.text.splitlines()]
        link = response.headers.get("link")
        url = link[1 : link.index(">")] if link else None
        if link:
            assert response.headers["x-next-cursor"] in link
    assert seen == made

    tampered = await gateway.get(
        "/api/v1/inventory/export/spools.jsonl", params={"cursor": "not-a-cursor"}, headers=key
    )
    assert_error(tampered, 400, "INVALID_CURSOR")
