"""Weighing sanity over the API: an implausible reading is refused with the reason and books nothing,
unless the request confirms it (issue 13: gross 1,500 g on a 1,000 g spool)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


async def test_gross_above_initial_is_refused_then_booked_when_confirmed(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=1000, empty_spool_weight=220)
    url = f"/api/v1/spools/{spool['id']}/weigh"
    refused = await client.post(url, json={"gross_grams": 1500}, headers=tenant.headers())
    body = api.error(refused, 400, "WEIGHT_ABOVE_INITIAL")
    assert "1,280 g" in body["detail"] and "1,000 g" in body["detail"] and "spool holder" in body["detail"]
    assert len(await api.ledger(tenant, spool["id"])) == 1  # nothing booked
    again = await client.get(f"/api/v1/spools/{spool['id']}", headers=tenant.headers())
    assert again.json()["current_weight"] == 1000

    booked = await client.post(
        url, json={"gross_grams": 1500, "confirm": True, "reason": "checked"}, headers=tenant.headers()
    )
    assert booked.status_code == 200, booked.text
    assert booked.json()["current_weight"] == 1280
    ledger = await api.ledger(tenant, spool["id"])
    assert [(r["kind"], r["delta"], r["reason"]) for r in ledger[1:]] == [("adjustment", 280, "checked")]


async def test_net_above_initial_and_gross_below_tare(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, initial_weight=1000, empty_spool_weight=200, current_weight=600)
    url = f"/api/v1/spools/{spool['id']}/weigh"
    api.error(
        await client.post(url, json={"net_grams": 1000.5}, headers=tenant.headers()),
        400,
        "WEIGHT_ABOVE_INITIAL",
    )
    below = await client.post(url, json={"gross_grams": 150}, headers=tenant.headers())
    assert "200 g" in api.error(below, 400, "WEIGHT_BELOW_TARE")["detail"]
    assert len(await api.ledger(tenant, spool["id"])) == 1
    # a plausible reading is booked without confirmation
    ok = await client.post(url, json={"gross_grams": 700}, headers=tenant.headers())
    assert ok.status_code == 200 and ok.json()["current_weight"] == 500
    # below the tare, confirmed: the spool is booked empty
    empty = await client.post(url, json={"gross_grams": 150, "confirm": True}, headers=tenant.headers())
    assert empty.status_code == 200 and empty.json()["current_weight"] == 0
    ledger = await api.ledger(tenant, spool["id"])
    assert [r["delta"] for r in ledger] == [600, -100, -500]
