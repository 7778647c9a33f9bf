"""Vendor writes of the Spoolman-compatible API: a vendor is the brand of the shop's filament types, so a
vendor cannot be created on its own, a rename re-brands every filament type of the brand, and a delete is
refused while filament types have the brand."""

from __future__ import annotations

from typing import Any

import httpx
from batchivo_common.auth.tokens import Role
from batchivo_inventory.spoolman_compat import mapping

BASE = "/compat/spoolman/api/v1"


async def test_a_vendor_cannot_be_created_on_its_own(client: httpx.AsyncClient, api: Any) -> None:
    shop = api.tenant()
    await api.filament_type(shop, brand="Prusament")
    refused = await client.post(f"{BASE}/vendor", json={"name": "Polymaker"}, headers=shop.headers())
    assert "filament type" in api.error(refused, 400, "VENDOR_IS_A_BRAND")["detail"]
    exists = await client.post(f"{BASE}/vendor", json={"name": " prusament "}, headers=shop.headers())
    assert str(mapping.vendor_id("Prusament")) in api.error(exists, 409, "VENDOR_EXISTS")["detail"]
    api.error(await client.post(f"{BASE}/vendor", json={}, headers=shop.headers()), 400)
    api.error(await client.post(f"{BASE}/vendor", json={"name": "X"}, headers=shop.headers(Role.viewer)), 403)
    vendors = await client.get(f"{BASE}/vendor", headers=shop.headers())
    assert [v["name"] for v in vendors.json()] == ["Prusament"]


async def test_renaming_a_vendor_re_brands_its_filament_types(client: httpx.AsyncClient, api: Any) -> None:
    shop, other = api.tenant(), api.tenant()
    first = await api.filament_type(shop, brand="Prusament", color_name="Galaxy Black")
    second = await api.filament_type(shop, brand="prusament", color_name="Jet Black")  # same vendor
    kept = await api.filament_type(shop, brand="Polymaker")
    theirs = await api.filament_type(other, brand="Prusament")
    old_id = mapping.vendor_id("Prusament")

    renamed = await client.patch(
        f"{BASE}/vendor/{old_id}",
        json={"name": "Prusa Research", "comment": "ignored"},
        headers=shop.headers(),
    )
    assert renamed.status_code == 200, renamed.text
    body = renamed.json()
    assert (body["id"], body["name"]) == (mapping.vendor_id("Prusa Research"), "Prusa Research")
    assert set(body) >= {"id", "registered", "name"}
    for filament_type, brand in ((first, "Prusa Research"), (second, "Prusa Research"), (kept, "Polymaker")):
        r = await client.get(f"/api/v1/filament-types/{filament_type['id']}", headers=shop.headers())
        assert r.json()["brand"] == brand
    r = await client.get(f"/api/v1/filament-types/{theirs['id']}", headers=other.headers())
    assert r.json()["brand"] == "Prusament"  # another shop's brand is its own
    api.error(await client.get(f"{BASE}/vendor/{old_id}", headers=shop.headers()), 404)

    # Renaming onto another vendor would merge two brands: refused. Unknown, foreign: 404.
    merge = await client.patch(
        f"{BASE}/vendor/{body['id']}", json={"name": "POLYMAKER"}, headers=shop.headers()
    )
    api.error(merge, 409, "VENDOR_EXISTS")
    api.error(
        await client.patch(f"{BASE}/vendor/{old_id}", json={"name": "X"}, headers=other.headers(Role.viewer)),
        403,
    )
    api.error(
        await client.patch(f"{BASE}/vendor/{body['id']}", json={"name": "X"}, headers=other.headers()), 404
    )
    api.error(
        await client.patch(f"{BASE}/vendor/{body['id']}", json={"name": None}, headers=shop.headers()), 400
    )
    same = await client.patch(f"{BASE}/vendor/{body['id']}", json={}, headers=shop.headers())
    assert same.json() == body


async def test_deleting_a_vendor_is_refused_while_filament_types_have_the_brand(
    client: httpx.AsyncClient, api: Any
) -> None:
    shop = api.tenant()
    filament_type = await api.filament_type(shop, brand="Prusament")
    vendor_id = mapping.vendor_id("Prusament")
    api.error(await client.delete(f"{BASE}/vendor/{vendor_id}", headers=shop.headers()), 403)  # admin+
    refused = await client.delete(f"{BASE}/vendor/{vendor_id}", headers=shop.headers(Role.admin))
    assert "1 filament type" in api.error(refused, 409, "IN_USE")["detail"]
    gone = await client.delete(
        f"/api/v1/filament-types/{filament_type['id']}", headers=shop.headers(Role.admin)
    )
    assert gone.status_code == 204
    api.error(await client.delete(f"{BASE}/vendor/{vendor_id}", headers=shop.headers(Role.admin)), 404)
