"""The shop's money settings: who may read and write them, validation, and the global costs they convert."""

from __future__ import annotations

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

URL = "/api/v1/inventory/settings"


async def test_settings_default_then_saved_by_an_admin_only(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    empty = (await client.get(URL, headers=a.headers(Role.viewer))).json()
    assert empty == {"currency_code": None, "rate_from_eur": None, "global_cost_currency": "EUR"}
    body = {"currency_code": "JPY", "rate_from_eur": 162.5}
    api.error(await client.put(URL, json=body, headers=a.headers(Role.member)), 403)
    saved = await client.put(URL, json=body, headers=a.headers(Role.admin))
    assert saved.status_code == 200 and saved.json()["rate_from_eur"] == 162.5
    assert (await client.get(URL, headers=a.headers(Role.viewer))).json()["currency_code"] == "JPY"
    assert (await client.get(URL, headers=b.headers(Role.viewer))).json()["currency_code"] is None
    again = await client.put(URL, json={"currency_code": "JPY"}, headers=a.headers(Role.owner))
    assert again.json()["rate_from_eur"] is None  # a PUT replaces: no rate is no rate


@pytest.mark.parametrize(
    "body",
    [
        {"currency_code": "YEN"[:2]},
        {"currency_code": "€UR"},
        {"currency_code": "JPY", "rate_from_eur": 0},
        {"currency_code": "JPY", "rate_from_eur": -1},
        {"currency_code": "JPY", "rate_from_eur": 1.0000001},
        {"currency_code": "JPY", "rate": 1},
        {},
    ],
)
async def test_bad_settings_are_422_and_change_nothing(api, client, body) -> None:
    a = api.tenant()
    api.error(await client.put(URL, json=body, headers=a.headers(Role.admin)), 422)
    assert (await client.get(URL, headers=a.headers())).json()["currency_code"] is None
