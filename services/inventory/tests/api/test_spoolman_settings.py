"""Spoolman's ``setting`` endpoints, read-only: every setting Spoolman defines with its JSON-text value,
``is_set`` and type (its published API), the currency from the shop's inventory settings."""

from __future__ import annotations

import json
from typing import Any

import httpx
from batchivo_common.auth.tokens import Role

BASE = "/compat/spoolman/api/v1"
KEYS = {
    "currency",
    "round_prices",
    "print_presets",
    "extra_fields_vendor",
    "extra_fields_filament",
    "extra_fields_spool",
    "base_url",
    "locations",
    "locations_spoolorders",
}


async def test_settings_are_spoolmans_with_the_shops_currency(client: httpx.AsyncClient, api: Any) -> None:
    shop, other = api.tenant(), api.tenant()
    everything = await client.get(f"{BASE}/setting/", headers=shop.headers(Role.viewer))
    assert everything.status_code == 200, everything.text
    body = everything.json()
    assert set(body) == KEYS
    assert body["currency"] == {"value": '"EUR"', "is_set": False, "type": "string"}
    assert body["round_prices"] == {"value": "false", "is_set": False, "type": "boolean"}
    assert body["locations_spoolorders"] == {"value": "{}", "is_set": False, "type": "object"}
    for setting in body.values():
        json.loads(setting["value"])  # every value is JSON text
        assert setting["type"] in {"string", "boolean", "number", "array", "object"}
    assert (await client.get(f"{BASE}/setting", headers=shop.headers())).json() == body

    saved = await client.put(
        "/api/v1/inventory/settings", json={"currency_code": "gbp"}, headers=shop.headers(Role.admin)
    )
    assert saved.status_code == 200, saved.text
    one = await client.get(f"{BASE}/setting/currency", headers=shop.headers(Role.viewer))
    assert one.json() == {"value": '"GBP"', "is_set": True, "type": "string"}
    assert (await client.get(f"{BASE}/setting/", headers=shop.headers())).json()["currency"] == one.json()
    theirs = await client.get(f"{BASE}/setting/currency", headers=other.headers())
    assert theirs.json()["value"] == '"EUR"'  # another shop's currency is its own

    missing = await client.get(f"{BASE}/setting/nope", headers=shop.headers())
    assert api.error(missing, 404)["detail"] == "Setting nope does not exist."
    api.error(await client.get(f"{BASE}/setting/", headers={}), 401)


async def test_settings_cannot_be_written(client: httpx.AsyncClient, api: Any) -> None:
    shop = api.tenant()
    refused = await client.post(f"{BASE}/setting/currency", json='"USD"', headers=shop.headers(Role.admin))
    assert "read-only" in api.error(refused, 403, "SETTINGS_READ_ONLY")["detail"]
    api.error(await client.post(f"{BASE}/setting/nope", json='"x"', headers=shop.headers(Role.admin)), 404)
    api.error(
        await client.post(f"{BASE}/setting/currency", json='"x"', headers=shop.headers(Role.viewer)), 403
    )
    current = await client.get(f"{BASE}/setting/currency", headers=shop.headers())
    assert current.json()["value"] == '"EUR"'
