"""Locations over HTTP: the resource (list with counts, create, rename, merge, delete), the case-insensitive
location filter, moving spools with their history, and archive ↔ restore with archived spools read-only."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db


async def _locations(client, tenant, query: str = "") -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/locations?{query}", headers=tenant.headers(Role.viewer))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def _events(client, tenant, spool_id: str) -> list[dict[str, Any]]:
    response = await client.get(
        f"/api/v1/spools/{spool_id}/events?sort=created_at", headers=tenant.headers(Role.viewer)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_free_text_locations_become_one_row_per_name_whatever_the_case(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    a = await api.spool(tenant, ft["id"], location="Shelf A")
    b = await api.spool(tenant, ft["id"], location="  shelf   a ")
    c = await api.spool(tenant, ft["id"], location="Drybox", current_weight=400)
    await api.spool(tenant, ft["id"])  # nowhere
    assert b["location"] == "Shelf A"  # the row's spelling wins
    assert b["location_id"] == a["location_id"] != c["location_id"]
    listed = await _locations(client, tenant)
    assert [(loc["name"], loc["spool_count"], loc["remaining_grams"]) for loc in listed] == [
        ("Drybox", 1, 400),
        ("Shelf A", 2, 2000),
    ]
    assert {loc["id"] for loc in listed} == {a["location_id"], c["location_id"]}
    # picker suggestions: any word of the name starting with q, any case
    assert [loc["name"] for loc in await _locations(client, tenant, "q=SHE")] == ["Shelf A"]
    assert [loc["name"] for loc in await _locations(client, tenant, "q=a")] == ["Shelf A"]
    assert [loc["name"] for loc in await _locations(client, tenant, "q=%25")] == []  # LIKE is literal
    # another tenant sees none of them
    assert await _locations(client, api.tenant()) == []


async def test_the_location_filter_is_a_case_insensitive_prefix_or_exact(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    s1 = await api.spool(tenant, ft["id"], location="Shelf A")
    s2 = await api.spool(tenant, ft["id"], location="Shelf AB")
    s3 = await api.spool(tenant, ft["id"], location="Shelf B")
    await api.spool(tenant, ft["id"], location="Rack_1")
    await api.spool(tenant, ft["id"], location="RackX1")
    await api.spool(tenant, ft["id"])

    async def codes(query: str) -> list[str]:
        response = await client.get(f"/api/v1/spools?{query}", headers=tenant.headers(Role.viewer))
        assert response.status_code == 200, response.text
        return [s["code"] for s in response.json()["items"]]

    assert await codes("location=shelf%20a") == [s1["code"], s2["code"]]
    assert await codes("location=Shelf") == [s1["code"], s2["code"], s3["code"]]
    assert await codes("location=shelf%20a&location_match=exact") == [s1["code"]]
    assert await codes("location=SHELF%20A&location_match=exact") == [s1["code"]]
    assert len(await codes("location=rack_")) == 1  # _ is not a wildcard
    assert await codes("location=nowhere") == []
    locations = {loc["name"]: loc["id"] for loc in await _locations(client, tenant)}
    assert await codes(f"location_id={locations['Shelf B']}") == [s3["code"]]
    api.error(
        await client.get("/api/v1/spools?location_match=fuzzy", headers=tenant.headers()),
        422,
        "VALIDATION_ERROR",
    )


async def test_create_rename_and_duplicate_names(api, client) -> None:
    tenant = api.tenant()
    created = await client.post(
        "/api/v1/locations",
        json={"name": " Shelf  A ", "description": "by the door"},
        headers=tenant.headers(),
    )
    assert created.status_code == 201, created.text
    loc = created.json()
    assert created.headers["Location"] == f"/api/v1/locations/{loc['id']}"
    assert (loc["name"], loc["description"], loc["spool_count"], loc["remaining_grams"]) == (
        "Shelf A",
        "by the door",
        0,
        0,
    )
    api.error(
        await client.post("/api/v1/locations", json={"name": "shelf a"}, headers=tenant.headers()),
        409,
        "CONFLICT",
    )
    api.error(await client.post("/api/v1/locations", json={"name": "  "}, headers=tenant.headers()), 422)
    api.error(await client.post("/api/v1/locations", json={"name": "x" * 101}, headers=tenant.headers()), 422)
    # the spools stored there follow a rename (and the spool picks the existing row by any case)
    spool = await api.spool(tenant, location="SHELF A")
    assert spool["location"] == "Shelf A"
    renamed = await client.patch(
        f"/api/v1/locations/{loc['id']}", json={"name": "Rack 1"}, headers=tenant.headers()
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Rack 1", renamed.text
    got = (await client.get(f"/api/v1/spools/{spool['id']}", headers=tenant.headers())).json()
    assert got["location"] == "Rack 1"
    assert (await client.get("/api/v1/spools?q=rack", headers=tenant.headers())).json()[
        "total"
    ] == 1  # search follows
    other = (await client.post("/api/v1/locations", json={"name": "Box"}, headers=tenant.headers())).json()
    api.error(
        await client.patch(
            f"/api/v1/locations/{other['id']}", json={"name": "rack 1"}, headers=tenant.headers()
        ),
        409,
        "CONFLICT",
    )
    # a change of case only is a rename of the same row
    recased = await client.patch(
        f"/api/v1/locations/{loc['id']}", json={"name": "RACK 1"}, headers=tenant.headers()
    )
    assert recased.status_code == 200 and recased.json()["name"] == "RACK 1"
    api.error(
        await client.patch(f"/api/v1/locations/{loc['id']}", json={"name": None}, headers=tenant.headers()),
        422,
    )
    api.error(
        await client.patch(
            f"/api/v1/locations/{loc['id']}", json={"name": "x"}, headers=tenant.headers(Role.viewer)
        ),
        403,
    )
    # another tenant's location is not found
    api.error(await client.get(f"/api/v1/locations/{loc['id']}", headers=api.tenant().headers()), 404)


async def test_merge_moves_every_spool_and_deletes_the_merged_location(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    s1 = await api.spool(tenant, ft["id"], location="Shelf A")
    s2 = await api.spool(tenant, ft["id"], location="Shelf A", current_weight=300)
    await client.post(f"/api/v1/spools/{s2['id']}/archive", headers=tenant.headers())
    await api.spool(tenant, ft["id"], location="Shelf B", current_weight=500)
    ids = {loc["name"]: loc["id"] for loc in await _locations(client, tenant)}
    merged = await client.post(
        f"/api/v1/locations/{ids['Shelf A']}/merge",
        json={"into_id": ids["Shelf B"]},
        headers=tenant.headers(),
    )
    assert merged.status_code == 200, merged.text
    into = merged.json()
    assert (into["name"], into["spool_count"], into["remaining_grams"], into["archived_spool_count"]) == (
        "Shelf B",
        2,
        1500,
        1,
    )
    assert [loc["name"] for loc in await _locations(client, tenant)] == ["Shelf B"]
    api.error(await client.get(f"/api/v1/locations/{ids['Shelf A']}", headers=tenant.headers()), 404)
    moved = (await client.get(f"/api/v1/spools/{s1['id']}", headers=tenant.headers())).json()
    assert moved["location"] == "Shelf B"
    events = await _events(client, tenant, s1["id"])
    assert [(e["kind"], e["from_location"], e["to_location"]) for e in events] == [
        ("moved", "Shelf A", "Shelf B")
    ]
    assert events[0]["reason"] == "merged Shelf A into Shelf B"
    assert events[0]["actor_id"] == str(tenant.user_id)
    # the archived spool moved too (its history says so), and the ledger is untouched
    assert [e["kind"] for e in await _events(client, tenant, s2["id"])] == ["archived", "moved"]
    assert len(await api.ledger(tenant, s1["id"])) == 1
    api.error(
        await client.post(
            f"/api/v1/locations/{ids['Shelf B']}/merge",
            json={"into_id": ids["Shelf B"]},
            headers=tenant.headers(),
        ),
        400,
    )
    api.error(
        await client.post(
            f"/api/v1/locations/{ids['Shelf B']}/merge",
            json={"into_id": str(uuid.uuid4())},
            headers=tenant.headers(),
        ),
        404,
    )


async def test_delete_is_refused_while_spools_are_there(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, location="Shelf A")
    await client.post(f"/api/v1/spools/{spool['id']}/archive", headers=tenant.headers())
    (loc,) = await _locations(client, tenant)
    admin = tenant.headers(Role.admin)
    refused = api.error(await client.delete(f"/api/v1/locations/{loc['id']}", headers=admin), 409, "IN_USE")
    assert "1 archived" in refused["detail"]
    api.error(await client.delete(f"/api/v1/locations/{loc['id']}", headers=tenant.headers()), 403)
    await client.post(f"/api/v1/spools/{spool['id']}/restore", headers=tenant.headers())
    moved = await client.post(
        "/api/v1/spools/move", json={"spool_ids": [spool["id"]], "location": None}, headers=tenant.headers()
    )
    assert moved.status_code == 200 and moved.json()["items"][0]["location"] is None, moved.text
    assert (await client.delete(f"/api/v1/locations/{loc['id']}", headers=admin)).status_code == 204
    assert await _locations(client, tenant) == []


async def test_move_many_spools_records_one_event_each_and_is_all_or_nothing(api, client, admin_conn) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    s1 = await api.spool(tenant, ft["id"], location="Shelf A")
    s2 = await api.spool(tenant, ft["id"])
    s3 = await api.spool(tenant, ft["id"], location="drybox")
    drybox = next(loc for loc in await _locations(client, tenant) if loc["name"] == "drybox")
    outbox_before = await admin_conn.fetchval("select count(*) from inventory.outbox")
    response = await client.post(
        "/api/v1/spools/move",
        json={"spool_ids": [s1["id"], s2["id"], s3["id"]], "location_id": drybox["id"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["moved"] == 2  # s3 was already there
    assert [s["location"] for s in body["items"]] == ["drybox"] * 3
    assert [(e["from_location"], e["to_location"]) for e in await _events(client, tenant, s1["id"])] == [
        ("Shelf A", "drybox")
    ]
    assert [(e["from_location"], e["to_location"]) for e in await _events(client, tenant, s2["id"])] == [
        (None, "drybox")
    ]
    assert await _events(client, tenant, s3["id"]) == []
    assert await admin_conn.fetchval("select count(*) from inventory.outbox") == outbox_before + 2
    # by name: an existing one in any case, or a new one
    by_name = await client.post(
        "/api/v1/spools/move",
        json={"spool_ids": [s1["id"]], "location": "Top  Shelf"},
        headers=tenant.headers(),
    )
    assert by_name.json()["items"][0]["location"] == "Top Shelf"
    # a missing (or another tenant's) spool refuses the whole move
    foreign = await api.spool(api.tenant())
    for bad in (str(uuid.uuid4()), foreign["id"]):
        api.error(
            await client.post(
                "/api/v1/spools/move",
                json={"spool_ids": [s2["id"], bad], "location": "X"},
                headers=tenant.headers(),
            ),
            404,
        )
    got = (await client.get(f"/api/v1/spools/{s2['id']}", headers=tenant.headers())).json()
    assert got["location"] == "drybox"
    # bodies that make no sense
    for body_ in (
        {"spool_ids": [s1["id"]]},
        {"spool_ids": [], "location": "X"},
        {"spool_ids": [s1["id"]], "location": "X", "location_id": drybox["id"]},
        {"spool_ids": ["nope"], "location": "X"},
    ):
        api.error(await client.post("/api/v1/spools/move", json=body_, headers=tenant.headers()), 422)
    api.error(
        await client.post(
            "/api/v1/spools/move",
            json={"spool_ids": [s1["id"]], "location_id": str(uuid.uuid4())},
            headers=tenant.headers(),
        ),
        404,
    )
    api.error(
        await client.post(
            "/api/v1/spools/move",
            json={"spool_ids": [s1["id"]], "location": "X"},
            headers=tenant.headers(Role.viewer),
        ),
        403,
    )


async def test_patching_the_location_is_a_move_in_the_history(api, client) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant, location="Shelf A")
    patched = await client.patch(
        f"/api/v1/spools/{spool['id']}", json={"location": "shelf b"}, headers=tenant.headers()
    )
    assert patched.status_code == 200 and patched.json()["location"] == "shelf b"
    same = await client.patch(
        f"/api/v1/spools/{spool['id']}", json={"location": "SHELF B"}, headers=tenant.headers()
    )
    assert same.json()["location"] == "shelf b"
    cleared = await client.patch(
        f"/api/v1/spools/{spool['id']}", json={"location": None}, headers=tenant.headers()
    )
    assert cleared.json()["location"] is None
    assert [(e["from_location"], e["to_location"]) for e in await _events(client, tenant, spool["id"])] == [
        ("Shelf A", "shelf b"),
        ("shelf b", None),
    ]


async def test_archive_restore_read_only_and_the_list_parameter(api, client) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant, min_stock_grams=0)
    active = await api.spool(tenant, ft["id"])
    full = await api.spool(tenant, ft["id"], location="Shelf A")
    summary_before = (await client.get("/api/v1/inventory/summary", headers=tenant.headers())).json()
    archived = await client.post(f"/api/v1/spools/{full['id']}/archive", headers=tenant.headers())
    assert archived.status_code == 200 and archived.json()["is_archived"] is True
    # read-only: weigh, use, patch, move answer 409 SPOOL_ARCHIVED and change nothing
    sid = full["id"]
    for method, path, body in (
        ("POST", f"/api/v1/spools/{sid}/weigh", {"net_grams": 10}),
        ("POST", f"/api/v1/spools/{sid}/use", {"grams": 10}),
        ("PATCH", f"/api/v1/spools/{sid}", {"notes": "x"}),
        ("POST", "/api/v1/spools/move", {"spool_ids": [sid], "location": "Elsewhere"}),
    ):
        error = api.error(
            await client.request(method, path, json=body, headers=tenant.headers()), 409, "SPOOL_ARCHIVED"
        )
        assert "restore" in error["detail"]
    got = (await client.get(f"/api/v1/spools/{sid}", headers=tenant.headers())).json()
    assert (got["current_weight"], got["notes"], got["location"]) == (1000, None, "Shelf A")
    # archiving books nothing in the ledger, but is in the history; on-hand totals leave it out
    assert [r["kind"] for r in await api.ledger(tenant, sid)] == ["purchase"]
    summary = (await client.get("/api/v1/inventory/summary", headers=tenant.headers())).json()
    assert summary["total_remaining_grams"] == summary_before["total_remaining_grams"] - 1000

    async def codes(archived_: str | None) -> list[str]:
        query = "" if archived_ is None else f"?archived={archived_}"
        response = await client.get(f"/api/v1/spools{query}", headers=tenant.headers())
        assert response.status_code == 200, response.text
        return [s["code"] for s in response.json()["items"]]

    assert await codes(None) == [active["code"]]
    assert await codes("false") == [active["code"]]
    assert await codes("true") == [active["code"], full["code"]]  # "show archived" includes
    assert await codes("only") == [full["code"]]
    api.error(await client.get("/api/v1/spools?archived=maybe", headers=tenant.headers()), 422)
    # restore: back in the list and the totals, a history event, still no ledger row
    restored = await client.post(f"/api/v1/spools/{sid}/restore", headers=tenant.headers())
    assert restored.status_code == 200 and restored.json()["is_archived"] is False
    again = await client.post(f"/api/v1/spools/{sid}/restore", headers=tenant.headers())
    assert again.status_code == 200
    assert [e["kind"] for e in await _events(client, tenant, sid)] == ["archived", "restored"]
    assert [r["kind"] for r in await api.ledger(tenant, sid)] == ["purchase"]
    summary = (await client.get("/api/v1/inventory/summary", headers=tenant.headers())).json()
    assert summary["total_remaining_grams"] == summary_before["total_remaining_grams"]
    used = await client.post(f"/api/v1/spools/{sid}/use", json={"grams": 10}, headers=tenant.headers())
    assert used.status_code == 200 and used.json()["current_weight"] == 990
    api.error(await client.post(f"/api/v1/spools/{uuid.uuid4()}/restore", headers=tenant.headers()), 404)
    api.error(await client.post(f"/api/v1/spools/{sid}/restore", headers=tenant.headers(Role.viewer)), 403)
    api.error(await client.get(f"/api/v1/spools/{sid}/events", headers=api.tenant().headers()), 404)
