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


async def test_global_costs_are_eur_converted_by_the_shops_rate(api, client, admin_conn) -> None:
    jpy = api.tenant()
    ft = await api.filament_type(jpy)  # PLA: 20 EUR/kg
    own = await client.post(
        "/api/v1/material-types",
        json={"code": "MINE", "name": "Mine", "typical_cost_per_kg": 3000},
        headers=jpy.headers(),
    )
    assert own.status_code == 201

    async def materials(tenant) -> dict[str, tuple[float | None, str | None]]:
        items = (await client.get("/api/v1/material-types?limit=200", headers=tenant.headers())).json()[
            "items"
        ]
        return {m["code"]: (m["typical_cost_per_kg"], m["typical_cost_currency"]) for m in items}

    before = await materials(jpy)
    assert before["PLA"] == (20, "EUR") and before["MINE"] == (3000, None)
    saved = await client.put(URL, json={"currency_code": "JPY"}, headers=jpy.headers(Role.admin))
    assert saved.status_code == 200
    assert (await materials(jpy))["PLA"] == (20, "EUR")  # a JPY shop without a rate: still EUR, labelled

    await client.put(
        URL, json={"currency_code": "JPY", "rate_from_eur": 160}, headers=jpy.headers(Role.admin)
    )
    after = await materials(jpy)
    assert after["PLA"] == (3200, None) and after["MINE"] == (3000, None)
    pla_id = (await client.get("/api/v1/material-types?limit=200", headers=jpy.headers())).json()["items"]
    pla = next(m for m in pla_id if m["code"] == "PLA")
    one = (await client.get(f"/api/v1/material-types/{pla['id']}", headers=jpy.headers())).json()
    assert (one["typical_cost_per_kg"], one["typical_cost_currency"]) == (3200, None)
    got = (await client.get(f"/api/v1/filament-types/{ft['id']}", headers=jpy.headers())).json()
    assert got["cost_per_gram"] == 3.2 and got["cost_is_estimate"] is True
    # the catalog's read model hears the new estimate
    data = await admin_conn.fetchval(
        "select envelope->'data' from inventory.outbox where tenant_id = $1"
        " and event_type = 'inventory.filament_type.updated.v1' order by id desc limit 1",
        jpy.id,
    )
    assert '"cost_per_gram": 3.2' in data

    eur = api.tenant()
    await client.put(URL, json={"currency_code": "EUR"}, headers=eur.headers(Role.admin))
    assert (await materials(eur))["PLA"] == (20, None)
    eur_type = await api.filament_type(eur)
    assert eur_type["cost_per_gram"] == 0.02 and eur_type["cost_is_estimate"] is True
