"""Material types (globals + tenant rows) and filament types over HTTP."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

GLOBALS = {"PLA", "PETG", "ABS", "TPU", "ASA", "NYLON", "PCTG", "PC"}


async def test_every_tenant_sees_the_seeded_globals(api, client) -> None:
    tenant = api.tenant()
    response = await client.get("/api/v1/material-types", headers=tenant.headers(Role.viewer))
    assert response.status_code == 200
    body = response.json()
    assert {m["code"] for m in body["items"]} == GLOBALS
    assert body["total"] == 8 and body["limit"] == 50 and body["offset"] == 0
    pla = next(m for m in body["items"] if m["code"] == "PLA")
    assert pla["density"] == 1.24 and pla["typical_cost_per_kg"] == 20 and pla["is_global"] is True
    # the seeded costs are EUR: without the shop's settings they are labelled so (money/rules.py)
    assert pla["typical_cost_currency"] == "EUR"
    pc = next(m for m in body["items"] if m["code"] == "PC")
    assert pc["density"] == 1.2 and pc["typical_cost_per_kg"] == 45


async def test_tenant_material_types_are_private(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    response = await client.post(
        "/api/v1/material-types",
        json={"code": "pla-cf", "name": "PLA carbon", "density": 1.3},
        headers=a.headers(),
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["code"] == "PLA-CF" and created["is_global"] is False
    assert response.headers["Location"] == f"/api/v1/material-types/{created['id']}"
    listing = (await client.get("/api/v1/material-types", headers=b.headers())).json()
    assert "PLA-CF" not in {m["code"] for m in listing["items"]}
    api.error(
        await client.get(f"/api/v1/material-types/{created['id']}", headers=b.headers()), 404, "NOT_FOUND"
    )
    # duplicates of own or global codes
    dup = await client.post(
        "/api/v1/material-types", json={"code": "PLA-CF", "name": "x"}, headers=a.headers()
    )
    api.error(dup, 409, "CONFLICT")
    api.error(
        await client.post("/api/v1/material-types", json={"code": "pla", "name": "x"}, headers=a.headers()),
        409,
    )
    patched = await client.patch(
        f"/api/v1/material-types/{created['id']}", json={"typical_cost_per_kg": 33.5}, headers=a.headers()
    )
    assert patched.status_code == 200 and patched.json()["typical_cost_per_kg"] == 33.5
    assert patched.json()["name"] == "PLA carbon"
    deleted = await client.delete(f"/api/v1/material-types/{created['id']}", headers=a.headers(Role.admin))
    assert deleted.status_code == 204 and deleted.content == b""


async def test_globals_are_read_only(api, client) -> None:
    tenant = api.tenant()
    pla = await api.material_id(tenant)
    api.error(
        await client.patch(
            f"/api/v1/material-types/{pla}", json={"name": "Mine"}, headers=tenant.headers(Role.owner)
        ),
        403,
        "FORBIDDEN",
    )
    api.error(await client.delete(f"/api/v1/material-types/{pla}", headers=tenant.headers(Role.owner)), 403)
    listing = (await client.get("/api/v1/material-types", headers=tenant.headers())).json()
    assert next(m for m in listing["items"] if m["code"] == "PLA")["name"] == "PLA"


async def test_material_type_in_use_cannot_be_deleted(api, client) -> None:
    tenant = api.tenant()
    created = await client.post(
        "/api/v1/material-types", json={"code": "PEEK", "name": "PEEK"}, headers=tenant.headers()
    )
    await api.filament_type(tenant, material_type_id=created.json()["id"])
    response = await client.delete(
        f"/api/v1/material-types/{created.json()['id']}", headers=tenant.headers(Role.admin)
    )
    api.error(response, 409, "IN_USE")


async def test_filament_type_crud_with_cost_estimate(api, client) -> None:
    tenant = api.tenant()
    pla = await api.material_id(tenant)
    body = {
        "material_type_id": str(pla),
        "brand": "Prusament",
        "color_name": "Galaxy Black",
        "color_hex": "#1A1A1A",
        "finish": "glitter",
        "min_stock_grams": 2000,
    }
    response = await client.post("/api/v1/filament-types", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["Location"] == f"/api/v1/filament-types/{created['id']}"
    assert created["material_code"] == "PLA"
    assert created["diameter_mm"] == 1.75
    # PLA's typical cost is a EUR default the shop has not converted: no estimate in its currency
    assert created["cost_per_gram"] is None and created["cost_is_estimate"] is True
    assert created["min_stock_grams"] == 2000
    # a priced spool makes the cost real
    await api.spool(tenant, created["id"], purchase_price=30, initial_weight=1000)
    got = (await client.get(f"/api/v1/filament-types/{created['id']}", headers=tenant.headers())).json()
    assert got["cost_per_gram"] == 0.03 and got["cost_is_estimate"] is False
    patched = await client.patch(
        f"/api/v1/filament-types/{created['id']}",
        json={"color_hex": None, "bed_temp": 60},
        headers=tenant.headers(),
    )
    assert patched.status_code == 200
    assert patched.json()["color_hex"] is None and patched.json()["bed_temp"] == 60
    assert patched.json()["brand"] == "Prusament"
    listing = await client.get("/api/v1/filament-types?q=galaxy&sort=-brand", headers=tenant.headers())
    assert listing.json()["total"] == 1


async def test_duplicate_filament_type_is_a_conflict(api, client) -> None:
    tenant = api.tenant()
    pla = await api.material_id(tenant)
    body = {"material_type_id": str(pla), "brand": "Polymaker", "color_name": "Teal"}
    assert (
        await client.post("/api/v1/filament-types", json=body, headers=tenant.headers())
    ).status_code == 201
    api.error(
        await client.post("/api/v1/filament-types", json=body, headers=tenant.headers()), 409, "CONFLICT"
    )
    # same in another tenant is fine
    other = api.tenant()
    assert (
        await client.post("/api/v1/filament-types", json=body, headers=other.headers())
    ).status_code == 201
    # PATCH into a duplicate is a conflict too
    second = await client.post(
        "/api/v1/filament-types", json={**body, "color_name": "Red"}, headers=tenant.headers()
    )
    response = await client.patch(
        f"/api/v1/filament-types/{second.json()['id']}", json={"color_name": "Teal"}, headers=tenant.headers()
    )
    api.error(response, 409, "CONFLICT")


async def test_filament_type_with_spools_cannot_be_deleted(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    await api.spool(tenant, ft["id"])
    api.error(
        await client.delete(f"/api/v1/filament-types/{ft['id']}", headers=tenant.headers(Role.admin)),
        409,
        "IN_USE",
    )
    empty = await api.filament_type(tenant)
    assert (
        await client.delete(f"/api/v1/filament-types/{empty['id']}", headers=tenant.headers(Role.admin))
    ).status_code == 204
    api.error(await client.get(f"/api/v1/filament-types/{empty['id']}", headers=tenant.headers()), 404)


async def test_filament_type_cannot_use_another_tenants_material(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    mine = await client.post("/api/v1/material-types", json={"code": "X1", "name": "X"}, headers=a.headers())
    body = {"material_type_id": mine.json()["id"], "brand": "B", "color_name": "C"}
    api.error(await client.post("/api/v1/filament-types", json=body, headers=b.headers()), 404)


@pytest.mark.parametrize(
    "body",
    [
        {"brand": "B", "color_name": "C"},
        {"brand": "", "color_name": "C"},
        {"brand": "B" * 101, "color_name": "C"},
        {"brand": "B", "color_name": "C", "color_hex": "red"},
        {"brand": "B", "color_name": "C", "min_stock_grams": -1},
        {"brand": "B", "color_name": "C", "diameter_mm": 0},
        {"brand": "B", "color_name": "C", "unknown": 1},
    ],
)
async def test_invalid_filament_types_are_422(api, client, body) -> None:
    tenant = api.tenant()
    if "material_type_id" not in body and body != {"brand": "B", "color_name": "C"}:
        body = {"material_type_id": str(await api.material_id(tenant)), **body}
    api.error(
        await client.post("/api/v1/filament-types", json=body, headers=tenant.headers()),
        422,
        "VALIDATION_ERROR",
    )
    listing = (await client.get("/api/v1/filament-types", headers=tenant.headers())).json()
    assert listing["total"] == 0


async def test_viewers_cannot_write_types(api, client) -> None:
    tenant = api.tenant()
    viewer = tenant.headers(Role.viewer)
    pla = await api.material_id(tenant)
    body = {"material_type_id": str(pla), "brand": "B", "color_name": "C"}
    api.error(await client.post("/api/v1/filament-types", json=body, headers=viewer), 403, "FORBIDDEN")
    api.error(
        await client.post("/api/v1/material-types", json={"code": "Z", "name": "Z"}, headers=viewer), 403
    )
    ft = await api.filament_type(tenant)
    api.error(
        await client.patch(f"/api/v1/filament-types/{ft['id']}", json={"brand": "X"}, headers=viewer), 403
    )
    api.error(await client.delete(f"/api/v1/filament-types/{ft['id']}", headers=viewer), 403)


async def test_other_tenants_filament_types_are_404(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    ft = await api.filament_type(a)
    for method in ("get", "delete"):
        api.error(
            await getattr(client, method)(
                f"/api/v1/filament-types/{ft['id']}", headers=b.headers(Role.admin)
            ),
            404,
        )
    api.error(
        await client.patch(f"/api/v1/filament-types/{ft['id']}", json={"brand": "x"}, headers=b.headers()),
        404,
    )
    api.error(await client.get(f"/api/v1/filament-types/{uuid.uuid4()}", headers=a.headers()), 404)
    api.error(await client.get("/api/v1/filament-types/not-a-uuid", headers=a.headers()), 422)


async def test_unauthenticated_is_401(client, api) -> None:
    api.error(await client.get("/api/v1/material-types"), 401, "UNAUTHENTICATED")
    api.error(await client.get("/api/v1/spools", headers={"Authorization": "Bearer nope"}), 401)


async def test_other_tenants_material_types_are_404_for_writes(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    created = await client.post(
        "/api/v1/material-types", json={"code": "OWN", "name": "Own"}, headers=a.headers()
    )
    mid = created.json()["id"]
    api.error(
        await client.patch(f"/api/v1/material-types/{mid}", json={"name": "x"}, headers=b.headers()), 404
    )
    api.error(await client.delete(f"/api/v1/material-types/{mid}", headers=b.headers(Role.admin)), 404)
    assert (await client.get(f"/api/v1/material-types/{mid}", headers=a.headers())).json()["name"] == "Own"
    api.error(
        await client.patch(f"/api/v1/material-types/{mid}", json={"name": None}, headers=a.headers()),
        422,
        "VALIDATION_ERROR",
    )
    api.error(await client.get("/api/v1/material-types?sort=secret", headers=a.headers()), 422)
