"""The Spoolman-compatible API (``/compat/spoolman/api/v1``) against the real database: Spoolman's contract
for the endpoints it serves (shapes, filters, sorts, ``X-Total-Count``, use/measure semantics, status codes)
as its published API documents them, and the ledger behind every weight change."""

from __future__ import annotations

import math
import uuid
from decimal import Decimal as D
from typing import Any

import httpx
import pytest
from batchivo_common.auth.tokens import Role, TokenIssuer
from batchivo_inventory.spoolman_compat import mapping

BASE = "/compat/spoolman/api/v1"


@pytest.fixture
def shop(api: Any) -> Any:
    return api.tenant()


async def _spool(api: Any, tenant: Any, **fields: Any) -> tuple[dict[str, Any], int]:
    """A spool through the native API, with its Spoolman id."""
    spool = await api.spool(tenant, **fields)
    number = mapping.spool_id(spool["code"])
    assert number is not None
    return spool, number


async def _get(client: httpx.AsyncClient, tenant: Any, path: str, **params: Any) -> httpx.Response:
    return await client.get(f"{BASE}{path}", params=params, headers=tenant.headers(Role.viewer))


async def _use(client: httpx.AsyncClient, tenant: Any, number: int, body: dict[str, Any]) -> httpx.Response:
    return await client.put(f"{BASE}/spool/{number}/use", json=body, headers=tenant.headers())


async def test_health_and_info(client: httpx.AsyncClient, shop: Any) -> None:
    response = await client.get(f"{BASE}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "healthy"}
    info = (await _get(client, shop, "/info")).json()
    assert set(info) >= {"version", "debug_mode", "automatic_backups", "data_dir", "db_type"}


async def test_a_spool_by_its_code_number(client: httpx.AsyncClient, api: Any, shop: Any) -> None:
    filament = await api.filament_type(shop, brand="Polymaker", color_hex="#FF8800", diameter_mm=1.75)
    spool, number = await _spool(
        api,
        shop,
        filament_type_id=filament["id"],
        initial_weight=1000,
        current_weight=800,
        location="Shelf A",
    )
    response = await _get(client, shop, f"/spool/{number}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == number == int(spool["code"].removeprefix("FIL-"))
    assert body["remaining_weight"] == 800
    assert body["initial_weight"] == 1000
    assert body["used_weight"] == 200
    assert body["location"] == "Shelf A"
    assert body["archived"] is False
    assert body["extra"] == {}
    assert "first_used" not in body and "lot_nr" not in body  # unset fields are left out, as Spoolman does
    f = body["filament"]
    assert f["name"] == filament["color_name"]
    assert f["material"] == "PLA"
    assert f["color_hex"] == "FF8800"
    assert f["diameter"] == 1.75
    assert f["vendor"]["name"] == "Polymaker"
    assert f["vendor"]["id"] == mapping.vendor_id("Polymaker")
    per_gram = mapping.length_from_grams(D(1), D("1.75"), D(str(f["density"])))
    assert body["used_length"] == pytest.approx(200 * per_gram, abs=0.1)
    assert body["remaining_length"] == pytest.approx(800 * per_gram, abs=0.1)
    # the filament and vendor endpoints answer the same objects
    assert (await _get(client, shop, f"/filament/{f['id']}")).json() == f
    assert (await _get(client, shop, f"/vendor/{f['vendor']['id']}")).json() == f["vendor"]


async def test_unknown_foreign_and_chosen_code_spools_are_404(
    client: httpx.AsyncClient, api: Any, shop: Any
) -> None:
    other = api.tenant()
    elsewhere = await api.filament_type(other, brand="Elsewhere")
    _, foreign = await _spool(api, other, filament_type_id=elsewhere["id"])
    await api.spool(shop, code="SHELF-A1")  # a chosen code: no Spoolman id
    for number in (foreign, 999999, 0, -3, 2**63):
        api.error(await _get(client, shop, f"/spool/{number}"), 404, "NOT_FOUND")
        api.error(await _use(client, shop, number, {"use_weight": 1}), 404, "NOT_FOUND")
    listed = (await _get(client, shop, "/spool")).json()
    assert listed == []
    other_filament = (await _get(client, other, "/filament")).json()[0]["id"]
    api.error(await _get(client, shop, f"/filament/{other_filament}"), 404)
    api.error(await _get(client, shop, f"/vendor/{mapping.vendor_id('Elsewhere')}"), 404)
    assert (await _get(client, other, f"/vendor/{mapping.vendor_id('Elsewhere')}")).status_code == 200


async def test_use_weight_books_one_usage_row_named_after_the_key(
    client: httpx.AsyncClient, api: Any, shop: Any, token_issuer: TokenIssuer
) -> None:
    spool, number = await _spool(api, shop, initial_weight=1000)
    key_id = uuid.uuid4()
    token, _ = token_issuer.issue(
        shop.user_id, shop.id, Role.member, api_key_id=key_id, api_key_name="voron-1"
    )
    response = await client.put(
        f"{BASE}/spool/{number}/use",
        json={"use_weight": 12.345},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["remaining_weight"] == 987.65  # 12.345 rounded half-up to the ledger's 0.01 g
    assert body["used_weight"] == 12.35
    assert body["first_used"] == body["last_used"]
    ledger = await api.ledger(shop, spool["id"])
    assert [(r["kind"], r["delta"], r["reason"]) for r in ledger] == [
        ("purchase", 1000, "purchase"),
        ("usage", -12.35, "spoolman-compat: voron-1"),
    ]
    # A token minted without the key's name (before the claim existed) names the key by its id.
    unnamed, _ = token_issuer.issue(shop.user_id, shop.id, Role.member, api_key_id=key_id)
    response = await client.put(
        f"{BASE}/spool/{number}/measure", json={"weight": 900}, headers={"Authorization": f"Bearer {unnamed}"}
    )
    assert response.status_code == 200, response.text
    assert (await api.ledger(shop, spool["id"]))[-1]["reason"] == f"spoolman-compat: {key_id}: measured"


async def test_use_length_converts_with_the_types_diameter_and_density(
    client: httpx.AsyncClient, api: Any, shop: Any
) -> None:
    filament = await api.filament_type(shop, diameter_mm=2.85, density=1.27)
    spool, number = await _spool(api, shop, filament_type_id=filament["id"], initial_weight=1000)
    response = await _use(client, shop, number, {"use_length": 1000})
    assert response.status_code == 200, response.text
    grams = round(math.pi * (2.85 / 2) ** 2 * 1000 / 1000 * 1.27, 2)  # 8.10 g
    assert response.json()["remaining_weight"] == pytest.approx(1000 - grams)
    ledger = await api.ledger(shop, spool["id"])
    assert ledger[-1]["kind"] == "usage"
    assert ledger[-1]["delta"] == pytest.approx(-grams)
    assert ledger[-1]["reason"] == "spoolman-compat"


async def test_using_more_than_is_left_empties_the_spool_with_a_discrepancy(
    client: httpx.AsyncClient, api: Any, shop: Any
) -> None:
    spool, number = await _spool(api, shop, initial_weight=1000, current_weight=10)
    response = await _use(client, shop, number, {"use_weight": 25})
    assert response.status_code == 200, response.text
    assert response.json()["remaining_weight"] == 0
    assert response.json()["used_weight"] == 1000
    rows = [(r["kind"], r["delta"], r["reason"]) for r in (await api.ledger(shop, spool["id"]))[1:]]
    assert rows == [("adjustment", 15, "discrepancy"), ("usage", -25, "spoolman-compat")]


async def test_a_negative_use_gives_filament_back_up_to_the_initial_weight(
    client: httpx.AsyncClient, api: Any, shop: Any
) -> None:
    spool, number = await _spool(api, shop, initial_weight=1000, current_weight=990)
    assert (await _use(client, shop, number, {"use_weight": -4})).json()["remaining_weight"] == 994
    assert (await _use(client, shop, number, {"use_weight": -50})).json()["remaining_weight"] == 1000
    assert (await _use(client, shop, number, {"use_weight": -50})).json()["remaining_weight"] == 1000
    assert (await _use(client, shop, number, {"use_weight": 0})).status_code == 200
    rows = [(r["kind"], r["delta"]) for r in (await api.ledger(shop, spool["id"]))[1:]]
    assert rows == [("return", 4), ("return", 6)]  # nothing booked for the clamped and zero uses


@pytest.mark.parametrize("body", [{}, {"use_weight": 1, "use_length": 10}])
async def test_use_needs_exactly_one_amount(
    client: httpx.AsyncClient, api: Any, shop: Any, body: dict[str, Any]
) -> None:
    _, number = await _spool(api, shop)
    api.error(await _use(client, shop, number, body), 400)


async def test_use_needs_a_member_and_an_active_spool(client: httpx.AsyncClient, api: Any, shop: Any) -> None:
    spool, number = await _spool(api, shop)
    response = await client.put(
        f"{BASE}/spool/{number}/use", json={"use_weight": 1}, headers=shop.headers(Role.viewer)
    )
    api.error(response, 403)
    deleted = await client.delete(f"{BASE}/spool/{number}", headers=shop.headers())
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"message": "Success!"}
    # 404, not 409: to Spoolman's clients a deleted spool is gone (Moonraker then unsets its active spool)
    api.error(await _use(client, shop, number, {"use_weight": 1}), 404, "SPOOL_ARCHIVED")
    measure = await client.put(f"{BASE}/spool/{number}/measure", json={"weight": 5}, headers=shop.headers())
    api.error(measure, 404, "SPOOL_ARCHIVED")
    assert len(await api.ledger(shop, spool["id"])) == 1


async def test_measure_books_the_gross_weight_less_the_empty_spool(
    client: httpx.AsyncClient, api: Any, shop: Any
) -> None:
    spool, number = await _spool(api, shop, initial_weight=1000, empty_spool_weight=250)
    response = await client.put(
        f"{BASE}/spool/{number}/measure", json={"weight": 850}, headers=shop.headers()
    )
    assert response.status_code == 200, response.text
    assert response.json()["remaining_weight"] == 600
    too_light = await client.put(
        f"{BASE}/spool/{number}/measure", json={"weight": 100}, headers=shop.headers()
    )
    assert too_light.json()["remaining_weight"] == 0
    rows = [(r["kind"], r["delta"]) for r in (await api.ledger(shop, spool["id"]))[1:]]
    assert rows == [("adjustment", -400), ("adjustment", -600)]


async def test_delete_archives_and_allow_archived_lists_it(
    client: httpx.AsyncClient, api: Any, shop: Any
) -> None:
    _, first = await _spool(api, shop)
    _, second = await _spool(api, shop)
    assert (await client.delete(f"{BASE}/spool/{first}", headers=shop.headers())).status_code == 200
    active = await _get(client, shop, "/spool")
    assert [s["id"] for s in active.json()] == [second]
    assert active.headers["x-total-count"] == "1"
    everything = await _get(client, shop, "/spool", allow_archived="true")
    assert [(s["id"], s["archived"]) for s in everything.json()] == [(first, True), (second, False)]
    assert (await _get(client, shop, f"/spool/{first}")).json()["archived"] is True


async def test_list_filters_like_spoolman(client: httpx.AsyncClient, api: Any, shop: Any) -> None:
    petg = await api.material_id(shop, "PETG")
    black = await api.filament_type(shop, brand="Prusament", color_name="Galaxy Black")
    red = await api.filament_type(shop, brand="Polymaker", color_name="Red", material_type_id=petg)
    _, a = await _spool(api, shop, filament_type_id=black["id"], location="Shelf A", lot_number="L-1")
    _, b = await _spool(api, shop, filament_type_id=red["id"], location="Dry box")
    _, c = await _spool(api, shop, filament_type_id=red["id"])
    black_id = (await _get(client, shop, f"/spool/{a}")).json()["filament"]["id"]

    async def ids(**params: Any) -> list[int]:
        response = await _get(client, shop, "/spool", **params)
        assert response.status_code == 200, response.text
        assert response.headers["x-total-count"] == str(len(response.json()))
        return [s["id"] for s in response.json()]

    assert await ids() == [a, b, c]
    assert await ids(**{"filament.material": "pet"}) == [b, c]
    assert await ids(**{"filament.material": '"PLA"'}) == [a]
    assert await ids(**{"filament.material": '"PL"'}) == []
    assert await ids(**{"filament.name": "galaxy,red"}) == [a, b, c]
    assert await ids(**{"filament.vendor.name": "prusa"}) == [a]
    assert await ids(**{"filament.vendor.id": str(mapping.vendor_id("Polymaker"))}) == [b, c]
    assert await ids(**{"filament.vendor.id": "-1"}) == []
    assert await ids(**{"filament.id": str(black_id)}) == [a]
    assert await ids(location="shelf,box") == [a, b]
    assert await ids(location="") == [c]
    assert await ids(lot_nr="") == [b, c]
    assert await ids(lot_nr="l-") == [a]
    api.error(await _get(client, shop, "/spool", **{"filament.id": "x"}), 400)


async def test_list_sorts_and_pages(client: httpx.AsyncClient, api: Any, shop: Any) -> None:
    _, a = await _spool(api, shop, current_weight=300, location="B")
    _, b = await _spool(api, shop, current_weight=900, location="A")
    _, c = await _spool(api, shop, current_weight=600)

    async def ids(**params: Any) -> list[int]:
        return [s["id"] for s in (await _get(client, shop, "/spool", **params)).json()]

    assert await ids(sort="remaining_weight:desc") == [b, c, a]
    assert await ids(sort="used_weight:asc") == [b, c, a]
    assert await ids(sort="location:asc,id:desc") == [b, a, c]  # no location last
    assert await ids(sort="id:desc") == [c, b, a]
    page = await _get(client, shop, "/spool", sort="id:asc", limit=1, offset=1)
    assert [s["id"] for s in page.json()] == [b]
    assert page.headers["x-total-count"] == "3"
    api.error(await _get(client, shop, "/spool", sort="nonsense:asc"), 400, "INVALID_SORT")


async def test_create_and_patch_a_spool(client: httpx.AsyncClient, api: Any, shop: Any) -> None:
    await api.filament_type(shop)
    filament = (await _get(client, shop, "/filament")).json()[0]
    response = await client.post(
        f"{BASE}/spool",
        json={
            "filament_id": filament["id"],
            "initial_weight": 1000,
            "spool_weight": 180,
            "used_weight": 150,
            "location": "Rack 2",
            "lot_nr": "B-77",
            "comment": "opened",
            "extra": {"nfc": '"abc"'},
        },
        headers=shop.headers(),
    )
    assert response.status_code == 200, response.text
    created = response.json()
    assert (created["remaining_weight"], created["used_weight"], created["spool_weight"]) == (850, 150, 180)
    assert (created["location"], created["lot_nr"], created["comment"]) == ("Rack 2", "B-77", "opened")
    number = created["id"]
    both = {"filament_id": filament["id"], "initial_weight": 1000, "used_weight": 1, "remaining_weight": 1}
    api.error(await client.post(f"{BASE}/spool", json=both, headers=shop.headers()), 400)
    gone = {"filament_id": 999999999, "initial_weight": 1000}
    api.error(await client.post(f"{BASE}/spool", json=gone, headers=shop.headers()), 404)

    patched = await client.patch(
        f"{BASE}/spool/{number}", json={"remaining_weight": 500, "location": None}, headers=shop.headers()
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["remaining_weight"] == 500
    assert "location" not in patched.json()
    archived = await client.patch(f"{BASE}/spool/{number}", json={"archived": True}, headers=shop.headers())
    assert archived.json()["archived"] is True
    restored = await client.patch(f"{BASE}/spool/{number}", json={"archived": False}, headers=shop.headers())
    assert restored.json()["archived"] is False
    api.error(
        await client.patch(f"{BASE}/spool/{number}", json={"filament_id": None}, headers=shop.headers()), 400
    )
    native = (await client.get("/api/v1/spools", headers=shop.headers())).json()["items"][0]
    rows = [(r["kind"], r["delta"], r["reason"]) for r in await api.ledger(shop, native["id"])]
    assert rows == [("purchase", 850, "purchase"), ("adjustment", -350, "spoolman-compat")]


async def test_filaments_and_vendors(client: httpx.AsyncClient, api: Any, shop: Any) -> None:
    await api.filament_type(shop, brand="Prusament", color_name="Black")
    await api.filament_type(shop, brand="prusament ", color_name="White")
    await api.filament_type(shop, brand="Polymaker", color_name="Red")
    filaments = await _get(client, shop, "/filament", sort="name:asc")
    assert [f["name"] for f in filaments.json()] == ["Black", "Red", "White"]
    assert filaments.headers["x-total-count"] == "3"
    ids = [f["id"] for f in filaments.json()]
    assert len(set(ids)) == 3 and all(isinstance(i, int) and i > 0 for i in ids)
    assert [f["name"] for f in (await _get(client, shop, "/filament", **{"vendor.name": "poly"})).json()] == [
        "Red"
    ]
    vendors = await _get(client, shop, "/vendor", sort="name:asc")
    assert [v["name"] for v in vendors.json()] == ["Polymaker", "Prusament"]  # one vendor per brand, any case
    assert vendors.headers["x-total-count"] == "2"
    assert [v["name"] for v in (await _get(client, shop, "/vendor", name="prus")).json()] == ["Prusament"]
    prusament = mapping.vendor_id("Prusament")
    by_vendor = await _get(client, shop, "/filament", **{"vendor.id": str(prusament)}, sort="name:desc")
    assert [f["name"] for f in by_vendor.json()] == ["White", "Black"]


async def test_create_patch_and_delete_a_filament(client: httpx.AsyncClient, api: Any, shop: Any) -> None:
    await api.filament_type(shop, brand="Polymaker", color_name="Red")
    vendor = (await _get(client, shop, "/vendor")).json()[0]
    body = {
        "name": "Teal",
        "vendor_id": vendor["id"],
        "material": "petg",
        "density": 1.27,
        "diameter": 1.75,
        "color_hex": "00808080",
        "settings_extruder_temp": 240,
        "weight": 1000,  # Spoolman's; our filament types hold no weight: ignored
    }
    created = await client.post(f"{BASE}/filament", json=body, headers=shop.headers())
    assert created.status_code == 200, created.text
    filament = created.json()
    assert (filament["name"], filament["material"], filament["color_hex"]) == ("Teal", "PETG", "008080")
    assert (filament["density"], filament["diameter"], filament["settings_extruder_temp"]) == (
        1.27,
        1.75,
        240,
    )
    assert filament["vendor"]["id"] == vendor["id"]
    assert (await _get(client, shop, f"/filament/{filament['id']}")).json() == filament
    native = await client.get("/api/v1/filament-types?limit=200", headers=shop.headers())
    assert {(t["brand"], t["color_name"]) for t in native.json()["items"]} == {
        ("Polymaker", "Red"),
        ("Polymaker", "Teal"),
    }

    for missing in ("name", "vendor_id", "material"):
        partial = {k: v for k, v in body.items() if k != missing}
        api.error(await client.post(f"{BASE}/filament", json=partial, headers=shop.headers()), 400)
    unknown = {**body, "name": "Other", "material": "unobtainium"}
    api.error(
        await client.post(f"{BASE}/filament", json=unknown, headers=shop.headers()), 400, "UNKNOWN_MATERIAL"
    )
    api.error(
        await client.post(f"{BASE}/filament", json={**body, "vendor_id": 1}, headers=shop.headers()), 404
    )

    url = f"{BASE}/filament/{filament['id']}"
    patched = await client.patch(
        url, json={"name": "Deep Teal", "color_hex": None, "settings_bed_temp": 80}, headers=shop.headers()
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["settings_bed_temp"]) == ("Deep Teal", 80)
    assert "color_hex" not in patched.json()
    api.error(await client.patch(url, json={"material": None}, headers=shop.headers()), 400)

    await client.post(
        f"{BASE}/spool", json={"filament_id": filament["id"], "initial_weight": 1000}, headers=shop.headers()
    )
    api.error(await client.delete(url, headers=shop.headers(Role.admin)), 409, "IN_USE")
    api.error(await client.delete(url, headers=shop.headers(Role.member)), 403)
    red = next(f for f in (await _get(client, shop, "/filament")).json() if f["name"] == "Red")
    deleted = await client.delete(f"{BASE}/filament/{red['id']}", headers=shop.headers(Role.admin))
    assert deleted.status_code == 200, deleted.text
    api.error(await _get(client, shop, f"/filament/{red['id']}"), 404)
