"""SQL statements per request on the hot paths (each is a round trip to PostgreSQL): a change that adds one
fails here, and one that removes one lowers the ceiling (bench/README.md has the per-request figures)."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.auth.tokens import Role
from batchivo_common.testing.statements import counting_statements

pytestmark = pytest.mark.db

#: The statements each request sends. BEGIN (which carries the tenant's set_config in the same message,
#: batchivo_common.db.tenancy) and COMMIT are not counted here. list: one statement, the page with its types
#: and its capped count (3 before: the count, the page, its types). use: the locked read, then one statement
#: that updates the spool, appends its ledger row and adds its outbox event with the relay's NOTIFY
#: (data-modifying CTEs; 4 statements before); on a filament type with a reorder level the low-stock check
#: adds the type's lock and its spools' sum (use reorder). create (no location, no price): the filament type's
#: read, then ONE statement drawing the code's number from the tenant's counter and inserting the spool (ON
#: CONFLICT DO NOTHING on its code), its purchase row and its event from the spool's RETURNING (7 before: a
#: savepoint pair, separate ledger and outbox rows; 3 while the counter was its own statement, ADR 0029).
#: create priced (a known location and a price, like the bench's): the location is read with the type, in
#: the same statement; the insert's statement also locks the type's row and moves its version when the
#: price moves its published cost, which is then republished: the type's read under that lock and its
#: outbox row (14 before: a savepoint pair, a location insert-then-read, a lock-then-update of the type; 8
#: before its priced spools' sum became totals on its row, ADR 0023; 6 while the counter and the version's
#: move were statements of their own, and the location its own read). create priced, same cost (the
#: first spool's price again) leaves the published cost unmoved, so nothing is republished.
CEILINGS = {
    "get": 1,
    "list": 1,
    "use": 2,
    "use reorder": 4,
    "create": 2,
    "create priced": 4,
    "create priced, same cost": 2,
}


async def test_hot_paths_send_a_fixed_number_of_statements(app, api, client) -> None:
    t = api.tenant()
    pla = await api.filament_type(t)
    petg = await api.filament_type(t, material_type_id=str(await api.material_id(t, "PETG")))
    spools = [await api.spool(t, pla["id"] if n % 2 else petg["id"], location="Shelf A") for n in range(12)]
    counts: dict[str, int] = {}

    with counting_statements(app) as statements:
        r = await client.get(f"/api/v1/spools/{spools[0]['id']}", headers=t.headers())
    assert r.status_code == 200, r.text
    counts["get"] = len(statements)

    for limit in (2, 5):  # the page size does not change the count
        with counting_statements(app) as statements:
            r = await client.get(f"/api/v1/spools?material=PLA&limit={limit}", headers=t.headers())
        assert r.status_code == 200 and len(r.json()["items"]) == limit and r.json()["total"] == 6, r.text
        counts[f"list {limit}"] = len(statements)
    assert counts["list 2"] == counts["list 5"], counts
    counts["list"] = counts.pop("list 2")
    counts.pop("list 5")

    with counting_statements(app) as statements:
        r = await client.post(f"/api/v1/spools/{spools[1]['id']}/use", json={"grams": 5}, headers=t.headers())
    assert r.status_code == 200 and r.json()["current_weight"] == 995, r.text
    counts["use"] = len(statements)

    stocked = await api.filament_type(t, min_stock_grams=100)
    watched = await api.spool(t, stocked["id"])
    with counting_statements(app) as statements:
        r = await client.post(f"/api/v1/spools/{watched['id']}/use", json={"grams": 5}, headers=t.headers())
    assert r.status_code == 200 and r.json()["current_weight"] == 995, r.text
    counts["use reorder"] = len(statements)

    with counting_statements(app) as statements:
        r = await client.post(
            "/api/v1/spools",
            json={"filament_type_id": pla["id"], "initial_weight": 1000},
            headers=t.headers(),
        )
    assert r.status_code == 201, r.text
    counts["create"] = len(statements)

    # The type's first priced spool republishes its cost; a second at the same price moves nothing.
    for name in ("create priced", "create priced, same cost"):
        with counting_statements(app) as statements:
            r = await client.post(
                "/api/v1/spools",
                json={
                    "filament_type_id": pla["id"],
                    "initial_weight": 1000,
                    "purchase_price": 20,
                    "location": "shelf a",
                },
                headers=t.headers(),
            )
        assert r.status_code == 201 and r.json()["location"] == "Shelf A", r.text
        counts[name] = len(statements)

    assert counts == CEILINGS, {k: (counts[k], CEILINGS[k]) for k in counts if counts[k] != CEILINGS[k]}


#: The Spoolman-compatible use of a printer's API key (its hot path: a report every few seconds). Opening a
#: row and merging into it cost the same: the spool's id lookup by code, the locked read, then ONE statement
#: that updates the spool, merges into the key's usage row or appends a new one, and adds the state event
#: (and, for a new row, the usage_reported event) with the relay's NOTIFY; then Spoolman's answer: the
#: spool's usage dates and the shop's brands (its vendor's registration date).
COMPAT_CEILINGS = {"compat use opens": 5, "compat use merges": 5}


async def test_the_spoolman_use_of_a_key_sends_a_fixed_number_of_statements(
    app, api, client, token_issuer
) -> None:
    t = api.tenant()
    spool = await api.spool(t)
    token, _ = token_issuer.issue(t.user_id, t.id, Role.member, api_key_id=uuid.uuid4(), api_key_name="p")
    url = f"/compat/spoolman/api/v1/spool/{int(spool['code'].removeprefix('FIL-'))}/use"
    counts: dict[str, int] = {}
    for name in COMPAT_CEILINGS:
        with counting_statements(app) as statements:
            r = await client.put(url, json={"use_weight": 1}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        counts[name] = len(statements)
    ledger = await api.ledger(t, spool["id"])
    assert [row["kind"] for row in ledger] == ["purchase", "usage"]  # the second report merged
    assert counts == COMPAT_CEILINGS, counts
