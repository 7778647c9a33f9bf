"""API-key scopes end to end: keys created through the gateway, exchanged by it, refused a write outside
their scopes (403 INSUFFICIENT_SCOPE) by the gateway and the services, reading everywhere
(docs/api.md)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from batchivo_common.testing.assertions import assert_error

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]

PASSWORD = "correct horse battery staple"


async def owner_headers(gateway: httpx.AsyncClient) -> dict[str, str]:
    response = await gateway.post(
        "/api/v1/auth/register",
        json={
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "password": PASSWORD,
            "full_name": "Owner",
            "tenant_name": "Keyed Shop",
        },
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def key(gateway: httpx.AsyncClient, owner: dict[str, str], scopes: list[str]) -> dict[str, str]:
    response = await gateway.post(
        "/api/v1/api-keys", json={"name": "ERP", "role": "member", "scopes": scopes}, headers=owner
    )
    assert response.status_code == 201, response.text
    assert response.json()["scopes"] == ["read", *scopes]
    return {"X-API-Key": response.json()["key"]}


#: One write of each service (bodies are not needed: the scope is checked before the body).
WRITES = {
    "inventory": ("POST", "/api/v1/filament-types"),
    "catalog": ("POST", "/api/v1/models"),
    "production": ("POST", "/api/v1/printers"),
    "auth": ("POST", "/api/v1/tenant/invitations"),
}
READS = ("/api/v1/spools", "/api/v1/material-types", "/api/v1/models", "/api/v1/products", "/api/v1/printers")


async def test_a_read_only_key_reads_everywhere_and_writes_nowhere(gateway: httpx.AsyncClient) -> None:
    owner = await owner_headers(gateway)
    read_only = await key(gateway, owner, [])
    for path in READS:
        response = await gateway.get(path, headers=read_only)
        assert response.status_code == 200, (path, response.text)
    for method, path in WRITES.values():
        refused = await gateway.request(method, path, json={}, headers=read_only)
        body = assert_error(refused, 403, "INSUFFICIENT_SCOPE")
        assert "scope" in body["detail"] or "API keys cannot" in body["detail"]
    # The same key with the person's token behind it changes nothing: the owner still writes.
    materials = (await gateway.get("/api/v1/material-types", headers=owner)).json()["items"]
    assert materials


async def test_an_inventory_key_writes_inventory_only(gateway: httpx.AsyncClient) -> None:
    owner = await owner_headers(gateway)
    inventory = await key(gateway, owner, ["inventory:write"])
    materials = (await gateway.get("/api/v1/material-types", headers=inventory)).json()["items"]
    pla = next(m for m in materials if m["code"] == "PLA")
    created = await gateway.post(
        "/api/v1/filament-types",
        json={"material_type_id": pla["id"], "brand": "Acme", "color_name": "Red", "color_hex": "#FF0000"},
        headers=inventory,
    )
    assert created.status_code == 201, created.text
    for service in ("catalog", "production", "auth"):
        method, path = WRITES[service]
        body = assert_error(
            await gateway.request(method, path, json={}, headers=inventory), 403, "INSUFFICIENT_SCOPE"
        )
        if service != "auth":
            assert f"{service}:write" in body["detail"]
    # Nothing reached the catalog or production: they are still empty.
    assert (await gateway.get("/api/v1/models", headers=owner)).json()["total"] == 0
    assert (await gateway.get("/api/v1/printers", headers=owner)).json()["total"] == 0


async def test_etag_and_if_match_pass_through_the_gateway(gateway: httpx.AsyncClient) -> None:
    owner = await owner_headers(gateway)
    writer = await key(gateway, owner, ["inventory:write"])
    created = await gateway.post("/api/v1/locations", json={"name": "Shelf A"}, headers=writer)
    assert created.status_code == 201, created.text
    url = f"/api/v1/locations/{created.json()['id']}"
    read = await gateway.get(url, headers=writer)
    tag = read.headers["etag"]

    # The person edits first; the partner's PATCH, sent with the tag it read, is refused and changes nothing.
    edited = await gateway.patch(url, json={"description": "by the door"}, headers={**owner, "If-Match": tag})
    assert edited.status_code == 200, edited.text
    assert edited.headers["etag"] != tag
    stale = await gateway.patch(url, json={"description": "lost"}, headers={**writer, "If-Match": tag})
    assert_error(stale, 412, "PRECONDITION_FAILED")
    assert stale.headers["etag"] == edited.headers["etag"]
    assert (await gateway.get(url, headers=writer)).json()["description"] == "by the door"
    fresh = await gateway.patch(
        url, json={"description": "by the window"}, headers={**writer, "If-Match": edited.headers["etag"]}
    )
    assert fresh.status_code == 200, fresh.text
