"""The coalescing rule of the Spoolman-compatible ``use`` against the real database: an API key's reports
merge into its usage row of the spool while nothing else is booked there and the window is open, and the
spool's weight stays the sum of its ledger whatever the interleaving."""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from batchivo_common.auth.tokens import Role, TokenIssuer
from batchivo_inventory.spoolman_compat import mapping
from fastapi import FastAPI

BASE = "/compat/spoolman/api/v1"


@pytest.fixture
def shop(api: Any) -> Any:
    return api.tenant()


@pytest.fixture
def key(token_issuer: TokenIssuer, shop: Any) -> Any:
    """A printer's API key: the headers of a token minted for a new key id."""

    def headers(key_id: uuid.UUID | None = None) -> dict[str, str]:
        token, _ = token_issuer.issue(shop.user_id, shop.id, Role.member, api_key_id=key_id or uuid.uuid4())
        return {"Authorization": f"Bearer {token}"}

    return headers


@pytest.fixture
def window(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Any:
    def set_window(seconds: int) -> None:
        monkeypatch.setattr(app.state.settings, "spoolman_coalesce_seconds", seconds)

    return set_window


async def _spool(api: Any, shop: Any) -> tuple[dict[str, Any], int]:
    spool = await api.spool(shop, initial_weight=1000)
    number = mapping.spool_id(spool["code"])
    assert number is not None
    return spool, number


async def _use(client: httpx.AsyncClient, number: int, grams: float, headers: dict[str, str]) -> None:
    r = await client.put(f"{BASE}/spool/{number}/use", json={"use_weight": grams}, headers=headers)
    assert r.status_code == 200, r.text


async def _rows(api: Any, shop: Any, spool_id: str) -> list[tuple[str, float]]:
    """The ledger's (kind, delta) rows, checked against the spool's weight (the ledger invariant)."""
    ledger = await api.ledger(shop, spool_id)
    r = await api.client.get(f"/api/v1/spools/{spool_id}", headers=shop.headers())
    assert D(str(r.json()["current_weight"])) == sum(D(str(row["delta"])) for row in ledger), ledger
    for before, after in itertools.pairwise(ledger):  # the rows still chain
        assert after["grams_before"] == before["grams_after"], ledger
    return [(row["kind"], row["delta"]) for row in ledger]


async def test_reports_of_one_key_within_the_window_make_one_row(
    client: httpx.AsyncClient, api: Any, shop: Any, key: Any
) -> None:
    spool, number = await _spool(api, shop)
    printer = key()
    for _ in range(5):
        await _use(client, number, 1.25, printer)
        await asyncio.sleep(0.2)
    assert await _rows(api, shop, spool["id"]) == [("purchase", 1000), ("usage", -6.25)]


async def test_a_weighing_between_reports_opens_a_new_row(
    client: httpx.AsyncClient, api: Any, shop: Any, key: Any
) -> None:
    spool, number = await _spool(api, shop)
    printer = key()
    await _use(client, number, 2, printer)
    r = await client.post(
        f"/api/v1/spools/{spool['id']}/weigh", json={"net_grams": 990}, headers=shop.headers()
    )
    assert r.status_code == 200, r.text
    await _use(client, number, 3, printer)
    await _use(client, number, 4, printer)
    assert await _rows(api, shop, spool["id"]) == [
        ("purchase", 1000),
        ("usage", -2),
        ("adjustment", -8),
        ("usage", -7),
    ]


async def test_another_key_opens_its_own_row(
    client: httpx.AsyncClient, api: Any, shop: Any, key: Any
) -> None:
    spool, number = await _spool(api, shop)
    first, second = uuid.uuid4(), uuid.uuid4()
    await _use(client, number, 1, key(first))
    await _use(client, number, 2, key(second))
    await _use(client, number, 3, key(first))  # the second key's row came in between: a new row again
    assert await _rows(api, shop, spool["id"]) == [
        ("purchase", 1000),
        ("usage", -1),
        ("usage", -2),
        ("usage", -3),
    ]


async def test_a_person_never_coalesces(client: httpx.AsyncClient, api: Any, shop: Any) -> None:
    spool, number = await _spool(api, shop)
    await _use(client, number, 1, shop.headers())
    await _use(client, number, 1, shop.headers())
    assert await _rows(api, shop, spool["id"]) == [("purchase", 1000), ("usage", -1), ("usage", -1)]


async def test_an_elapsed_window_opens_a_new_row_and_zero_turns_it_off(
    client: httpx.AsyncClient, api: Any, shop: Any, key: Any, window: Any
) -> None:
    spool, number = await _spool(api, shop)
    printer = key()
    window(1)
    await _use(client, number, 1, printer)
    await _use(client, number, 1, printer)
    await asyncio.sleep(1.2)
    await _use(client, number, 1, printer)
    window(0)
    await _use(client, number, 1, printer)
    assert await _rows(api, shop, spool["id"]) == [
        ("purchase", 1000),
        ("usage", -2),
        ("usage", -1),
        ("usage", -1),
    ]


async def test_a_discrepancy_or_a_return_is_never_merged(
    client: httpx.AsyncClient, api: Any, shop: Any, key: Any
) -> None:
    spool, number = await _spool(api, shop)
    printer = key()
    await _use(client, number, 10, printer)
    await _use(client, number, -4, printer)  # a return row
    await _use(client, number, 1, printer)  # after the return: a new usage row
    await _use(client, number, 2000, printer)  # more than is left: discrepancy, then usage
    assert await _rows(api, shop, spool["id"]) == [
        ("purchase", 1000),
        ("usage", -10),
        ("return", 4),
        ("usage", -1),
        ("adjustment", 1007),
        ("usage", -2000),
    ]


async def test_concurrent_reports_of_one_key_lose_nothing(
    client: httpx.AsyncClient, api: Any, shop: Any, key: Any
) -> None:
    spool, number = await _spool(api, shop)
    printer = key()
    await asyncio.gather(*(_use(client, number, 0.75, printer) for _ in range(20)))
    assert await _rows(api, shop, spool["id"]) == [("purchase", 1000), ("usage", -15)]


async def test_usage_reported_lands_in_the_outbox_once_per_opened_row(
    client: httpx.AsyncClient, api: Any, shop: Any, token_issuer: TokenIssuer, admin_conn: Any, window: Any
) -> None:
    spool, number = await _spool(api, shop)
    other, other_number = await _spool(api, shop)
    key_id = uuid.uuid4()
    token, _ = token_issuer.issue(
        shop.user_id, shop.id, Role.member, api_key_id=key_id, api_key_name="voron-1"
    )
    printer = {"Authorization": f"Bearer {token}"}
    window(1)
    for _ in range(3):  # one row opened, two merged
        await _use(client, number, 1, printer)
    await _use(client, other_number, 1, printer)  # the printer moved to another spool: a row there
    await _use(client, other_number, 1, printer)  # merged
    await _use(client, number, 1, printer)  # back on the first spool: a new row (it changed spools)
    await asyncio.sleep(1.2)
    await _use(client, number, 1, printer)  # the window elapsed: a new row
    await _use(client, number, 1, shop.headers())  # a person: a row, no event
    await _use(client, number, -1, printer)  # a return: no event
    rows = await admin_conn.fetch(
        "select envelope from inventory.outbox where tenant_id = $1 and event_type = $2 order by id",
        shop.id,
        "inventory.spool.usage_reported.v1",
    )
    events = [json.loads(r["envelope"]) for r in rows]
    assert await _rows(api, shop, spool["id"]) == [
        ("purchase", 1000),
        ("usage", -3),
        ("usage", -1),
        ("usage", -1),
        ("usage", -1),
        ("return", 1),
    ]
    assert await _rows(api, shop, other["id"]) == [("purchase", 1000), ("usage", -2)]
    codes = [spool["code"], other["code"], spool["code"], spool["code"]]
    assert [e["data"]["spool_code"] for e in events] == codes  # one per row the key opened
    first = events[0]
    assert first["aggregate_id"] == spool["id"] and first["producer"] == "inventory"
    assert first["data"]["spool_id"] == spool["id"]
    assert first["data"]["api_key_id"] == str(key_id) and first["data"]["api_key_name"] == "voron-1"
    assert first["data"]["reported_at"]
