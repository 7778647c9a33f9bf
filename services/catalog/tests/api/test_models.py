"""Models over HTTP: cost breakdown from the read model, BOM editing, SKUs, validation, roles, tenancy."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db


async def test_the_worked_example_through_the_api(api, client) -> None:
    t = api.tenant()
    r = await client.patch(
        "/api/v1/catalog/settings", json={"overhead_pct": 10}, headers=t.headers(Role.admin)
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"labor_rate_per_hour": 10.0, "overhead_pct": 10.0, "price_multiplier": 2.5}
    pla = await api.filament(t, 0.02)
    model = await api.model(
        t,
        labor_minutes=60,
        materials=[{"filament_type_id": str(pla), "grams": 100}],
        components=[{"name": "magnet", "quantity": 1, "unit_cost": 3}],
    )
    assert model["cost"] == {
        "material": 2.0,
        "components": 3.0,
        "labor": 10.0,
        "overhead": 1.2,
        "total": 16.2,
    }
    assert model["cost_is_estimate"] is False and model["uncosted_lines"] == []
    assert model["materials"][0]["cost_per_gram"] == 0.02


async def test_unknown_filament_type_is_a_422_naming_the_field(api, client) -> None:
    t = api.tenant()
    other = api.tenant()
    theirs = await api.filament(other)
    for fid in (uuid.uuid4(), theirs):
        r = await client.post(
            "/api/v1/models",
            json={"sku": "M-1", "name": "x", "materials": [{"filament_type_id": str(fid), "grams": 5}]},
            headers=t.headers(),
        )
        body = api.error(r, 422, "VALIDATION_ERROR")
        assert "materials[0].filament_type_id" in body["detail"]
    r = await client.get("/api/v1/models", headers=t.headers())
    assert r.json()["total"] == 0


async def test_estimate_flag_and_uncosted_lines(api, client) -> None:
    t = api.tenant()
    est = await api.filament(t, 0.025, estimate=True)
    none = await api.filament(t, None)
    model = await api.model(
        t,
        materials=[{"filament_type_id": str(est), "grams": 10}, {"filament_type_id": str(none), "grams": 10}],
    )
    assert model["cost_is_estimate"] is True
    assert model["uncosted_lines"] == [str(none)]
    assert model["cost"]["material"] == 0.25


async def test_bom_sub_resources_and_whole_bom_put(api, client) -> None:
    t = api.tenant()
    a, b = await api.filament(t, 0.01), await api.filament(t, 0.02)
    model = await api.model(t)
    url = f"/api/v1/models/{model['id']}"
    r = await client.post(
        f"{url}/materials", json={"filament_type_id": str(a), "grams": 100}, headers=t.headers()
    )
    assert r.status_code == 201 and r.json()["cost"]["material"] == 1.0
    line = r.json()["materials"][0]["id"]
    r = await client.patch(f"{url}/materials/{line}", json={"grams": 50}, headers=t.headers())
    assert r.json()["cost"]["material"] == 0.5
    r = await client.post(
        f"{url}/components", json={"name": "screw", "quantity": 4, "unit_cost": 0.1}, headers=t.headers()
    )
    assert r.json()["cost"]["components"] == 0.4
    r = await client.put(
        f"{url}/bom",
        json={"materials": [{"filament_type_id": str(b), "grams": 10}], "components": []},
        headers=t.headers(),
    )
    assert r.status_code == 200
    assert r.json()["cost"]["material"] == 0.2 and r.json()["components"] == []
    assert [m["filament_type_id"] for m in r.json()["materials"]] == [str(b)]
    # a bad whole-BOM PUT changes nothing
    r = await client.put(
        f"{url}/bom",
        json={"materials": [{"filament_type_id": str(uuid.uuid4()), "grams": 10}], "components": []},
        headers=t.headers(),
    )
    api.error(r, 422)
    r = await client.get(url, headers=t.headers())
    assert [m["filament_type_id"] for m in r.json()["materials"]] == [str(b)]
    assert r.json()["version"] == 5


async def test_sku_unique_and_next_sku(api, client) -> None:
    t = api.tenant()
    r = await client.get("/api/v1/catalog/next-sku?prefix=MOD", headers=t.headers(Role.viewer))
    assert r.json() == {"sku": "MOD-001"}
    await api.model(t, sku="MOD-001")
    await api.model(t, sku="mod-007")
    r = await client.get("/api/v1/catalog/next-sku?prefix=MOD", headers=t.headers())
    assert r.json() == {"sku": "MOD-008"}
    r = await client.post("/api/v1/models", json={"sku": "MOD-001", "name": "again"}, headers=t.headers())
    api.error(r, 409, "CONFLICT")
    other = api.tenant()
    await api.model(other, sku="MOD-001")  # per tenant
    r = await client.get("/api/v1/catalog/next-sku?prefix=PROD", headers=t.headers())
    assert r.json() == {"sku": "PROD-001"}
    api.error(await client.get("/api/v1/catalog/next-sku?prefix=a-b", headers=t.headers()), 422)


async def test_soft_delete_is_for_admins_and_frees_the_sku(api, client) -> None:
    t = api.tenant()
    model = await api.model(t, sku="MOD-001")
    url = f"/api/v1/models/{model['id']}"
    api.error(await client.delete(url, headers=t.headers(Role.member)), 403, "FORBIDDEN")
    assert (await client.delete(url, headers=t.headers(Role.admin))).status_code == 204
    api.error(await client.get(url, headers=t.headers()), 404, "NOT_FOUND")
    await api.model(t, sku="MOD-001")


async def test_roles_and_tenancy(api, client) -> None:
    t, other = api.tenant(), api.tenant()
    model = await api.model(t)
    url = f"/api/v1/models/{model['id']}"
    api.error(
        await client.post("/api/v1/models", json={"sku": "X-1", "name": "x"}, headers=t.headers(Role.viewer)),
        403,
    )
    api.error(await client.patch(url, json={"name": "y"}, headers=t.headers(Role.viewer)), 403)
    assert (await client.get(url, headers=t.headers(Role.viewer))).status_code == 200
    api.error(await client.get(url, headers=other.headers()), 404, "NOT_FOUND")
    api.error(await client.patch(url, json={"name": "y"}, headers=other.headers()), 404)
    api.error(await client.delete(url, headers=other.headers(Role.owner)), 404)
    api.error(await client.get("/api/v1/models"), 401)
    api.error(
        await client.patch("/api/v1/catalog/settings", json={"overhead_pct": 1}, headers=t.headers()), 403
    )


async def test_bad_input_is_422_and_changes_nothing(api, client) -> None:
    t = api.tenant()
    model = await api.model(t, name="Keep")
    url = f"/api/v1/models/{model['id']}"
    for body in (
        {"prints_per_plate": 0},
        {"labor_minutes": -1},
        {"sku": ""},
        {"nope": 1},
        {"overhead_pct_override": 101},
    ):
        api.error(await client.patch(url, json=body, headers=t.headers()), 422, "VALIDATION_ERROR")
    api.error(await client.get("/api/v1/models?sort=password", headers=t.headers()), 422)
    api.error(await client.get("/api/v1/models/not-a-uuid", headers=t.headers()), 422)
    r = await client.get(url, headers=t.headers())
    assert r.json()["name"] == "Keep" and r.json()["version"] == 1
