"""A printer linked to the API key it reports usage with (docs/adr/0021-printers-follow-their-api-key.md):
PATCH links and unlinks, one printer per key in a shop (409 ``API_KEY_LINKED``), the slot count, and the
ETag rules of the printer's PATCH."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

PRINTERS = "/api/v1/printers"


async def test_a_printer_is_linked_to_an_api_key_and_unlinked(api: Any, client: Any) -> None:
    t = api.tenant()
    printer = await api.post(t, PRINTERS, {"name": "Voron 2.4"})
    assert printer["api_key_id"] is None
    assert printer["slot_count"] == 1
    assert printer["last_reported_at"] is None
    assert printer["last_reported_spool_code"] is None
    key = uuid.uuid4()
    url = f"{PRINTERS}/{printer['id']}"
    etag = (await client.get(url, headers=t.headers())).headers["ETag"]
    linked = await client.patch(
        url, json={"api_key_id": str(key), "slot_count": 4}, headers={**t.headers(), "If-Match": etag}
    )
    assert linked.status_code == 200, linked.text
    assert (linked.json()["api_key_id"], linked.json()["slot_count"]) == (str(key), 4)
    assert linked.headers["ETag"] != etag
    # The old tag is refused (the link is a change like any other).
    stale = await client.patch(url, json={"api_key_id": None}, headers={**t.headers(), "If-Match": etag})
    api.error(stale, 412, "PRECONDITION_FAILED")
    listed = (await client.get(PRINTERS, headers=t.headers(Role.viewer))).json()["items"]
    assert listed[0]["api_key_id"] == str(key)
    # Other fields leave the link alone; null unlinks.
    notes = await client.patch(url, json={"notes": "rack 2"}, headers=t.headers())
    assert notes.json()["api_key_id"] == str(key)
    unlinked = await client.patch(url, json={"api_key_id": None}, headers=t.headers())
    assert unlinked.status_code == 200
    assert unlinked.json()["api_key_id"] is None
    assert unlinked.json()["slot_count"] == 4


async def test_one_printer_per_api_key_in_a_shop(api: Any, client: Any) -> None:
    t, other_shop = api.tenant(), api.tenant()
    key = uuid.uuid4()
    first = await api.post(t, PRINTERS, {"name": "MK4 #1", "api_key_id": str(key)})
    assert first["api_key_id"] == str(key)
    second = await api.post(t, PRINTERS, {"name": "MK4 #2"})
    taken = await client.patch(
        f"{PRINTERS}/{second['id']}", json={"api_key_id": str(key)}, headers=t.headers()
    )
    body = api.error(taken, 409, "API_KEY_LINKED")
    assert "unlink" in body["detail"]
    api.error(
        await client.post(PRINTERS, json={"name": "MK4 #3", "api_key_id": str(key)}, headers=t.headers()),
        409,
        "API_KEY_LINKED",
    )
    # Relinking the same printer to its own key is no conflict; another shop's printers are not counted.
    same = await client.patch(f"{PRINTERS}/{first['id']}", json={"api_key_id": str(key)}, headers=t.headers())
    assert same.status_code == 200
    elsewhere = await api.post(other_shop, PRINTERS, {"name": "Other MK4", "api_key_id": str(key)})
    assert elsewhere["api_key_id"] == str(key)
    # Once unlinked there, the key can move.
    await client.patch(f"{PRINTERS}/{first['id']}", json={"api_key_id": None}, headers=t.headers())
    moved = await client.patch(
        f"{PRINTERS}/{second['id']}", json={"api_key_id": str(key)}, headers=t.headers()
    )
    assert moved.json()["api_key_id"] == str(key)


async def test_bad_links_and_slot_counts_are_4xx(api: Any, client: Any) -> None:
    t = api.tenant()
    printer = await api.post(t, PRINTERS, {"name": "Bambu X1C"})
    url = f"{PRINTERS}/{printer['id']}"
    for body in ({"api_key_id": "not-a-uuid"}, {"slot_count": 0}, {"slot_count": 65}, {"slot_count": "x"}):
        api.error(await client.patch(url, json=body, headers=t.headers()), 422)
    api.error(
        await client.patch(url, json={"api_key_id": str(uuid.uuid4())}, headers=t.headers(Role.viewer)), 403
    )
    # slot_count null changes nothing (it is never empty).
    kept = await client.patch(url, json={"slot_count": None}, headers=t.headers())
    assert kept.json()["slot_count"] == 1
