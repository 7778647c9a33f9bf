"""Spool search quality over a realistic shop of 200 spools (real PostgreSQL, through the HTTP API).

Each query states which spools a person means: the exact set where that is well defined, else the spools that
must come first and the ones that must not appear. The shop is built once for the module (bulk creates), and
its spools are described by :class:`Spool` so the expectations are computed from the data, not hard-coded.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from batchivo_common.auth.tokens import Role
from batchivo_common.testing.plugin import ServiceDatabase, truncate_service_tables
from batchivo_inventory.spools import repository
from fastapi import FastAPI

pytestmark = pytest.mark.db

#: brand, colour, material, finish
TYPES = (
    ("Prusament", "Galaxy Black", "PLA", None),
    ("Prusament", "Galaxy Black", "PETG", None),
    ("Prusament", "Jet Black", "PLA", None),
    ("Prusament", "Signal White", "PLA", None),
    ("Prusament", "Lipstick Red", "PETG", None),
    ("Prusament", "Prusa Orange", "ASA", None),
    ("Polymaker", "Fire Red", "PLA", "Matte"),
    ("Polymaker", "Jet Black", "ASA", None),
    ("Polymaker", "Signal White", "PETG", None),
    ("eSun", "Fire Red", "PETG", None),
    ("eSun", "Cold White", "PLA", "Silk"),
    ("eSun", "Bright Red", "TPU", None),
    ("Bambu", "Red", "PLA", None),
    ("Bambu", "Black", "PETG", None),
    ("Bambu", "Jade White", "PLA", "Silk"),
    ("Sunlu", "Grey", "TPU", None),
    ("Fiberlogy", "Clear", "PC", None),
)
LOCATIONS = ("Shelf A", "Shelf B", "Shelf C", "Drybox 1", "Drybox 2", "Cabinet")
SUPPLIERS = ("Amazon", "Prusa Store", "3DJake", "Filament Outlet", "Bambu Store")
LOTS = ("LOT-2024-0117", "PM23-4471", "E2405B", "BL-88120", "LOT-2025-0042", None)
#: spools per batch; each batch is one type, location, supplier and lot.
BATCH = 5


@dataclass(frozen=True)
class Spool:
    code: str
    brand: str
    color: str
    material: str
    finish: str | None
    location: str
    supplier: str
    lot: str | None

    def words(self) -> str:
        fields = (self.brand, self.color, self.material, self.finish, self.location, self.supplier, self.lot)
        return " ".join(v for v in fields if v).lower()


@dataclass
class Shop:
    headers: dict[str, str]
    spools: list[Spool]
    client: httpx.AsyncClient

    def codes(self, keep: Callable[[Spool], bool]) -> set[str]:
        return {s.code for s in self.spools if keep(s)}

    async def search(self, q: str, **params: Any) -> dict[str, Any]:
        response = await self.client.get(
            "/api/v1/spools", params={"q": q, "limit": 200, **params}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    async def found(self, q: str, **params: Any) -> list[str]:
        return [s["code"] for s in (await self.search(q, **params))["items"]]


async def _clean(db: ServiceDatabase) -> None:
    await truncate_service_tables(db, keep=("alembic_version", "material_types"))
    conn = await asyncpg.connect(db.admin_url)
    try:
        await conn.execute("delete from inventory.material_types where tenant_id is not null")
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def shop(
    app: FastAPI, inventory_db: ServiceDatabase, make_token: Callable[..., str]
) -> AsyncIterator[Shop]:
    await _clean(inventory_db)
    tenant = uuid.uuid4()
    headers = {"Authorization": f"Bearer {make_token(tenant, Role.member, uuid.uuid4())}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://inventory.test"
    ) as c:
        materials = (await c.get("/api/v1/material-types?limit=200", headers=headers)).json()["items"]
        material_ids = {m["code"]: m["id"] for m in materials}
        type_ids = []
        for brand, color, material, finish in TYPES:
            body = {"material_type_id": material_ids[material], "brand": brand, "color_name": color}
            if finish:
                body["finish"] = finish
            response = await c.post("/api/v1/filament-types", json=body, headers=headers)
            assert response.status_code == 201, response.text
            type_ids.append(response.json()["id"])
        spools: list[Spool] = []
        for batch in range(200 // BATCH):
            t = batch % len(TYPES)
            location, supplier = LOCATIONS[batch % len(LOCATIONS)], SUPPLIERS[(batch // 2) % len(SUPPLIERS)]
            lot = LOTS[(batch // 3) % len(LOTS)]
            body = {"filament_type_id": type_ids[t], "initial_weight": 1000, "quantity": BATCH}
            body |= {"location": location, "supplier": supplier} | ({"lot_number": lot} if lot else {})
            response = await c.post("/api/v1/spools/bulk", json=body, headers=headers)
            assert response.status_code == 201, response.text
            brand, color, material, finish = TYPES[t]
            spools += [
                Spool(item["code"], brand, color, material, finish, location, supplier, lot)
                for item in response.json()["items"]
            ]
        assert len(spools) == 200 and spools[-1].code == "FIL-200"
        yield Shop(headers, spools, c)


def GALAXY_PETG(s: Spool) -> bool:
    return s.color == "Galaxy Black" and s.material == "PETG"


async def assert_exactly(shop: Shop, q: str, keep: Callable[[Spool], bool]) -> list[str]:
    found = await shop.found(q)
    expected = shop.codes(keep)
    assert expected, f"the fixture has no spool for {q!r}"
    assert set(found) == expected, (q, sorted(set(found) - expected), sorted(expected - set(found)))
    return found


# --- the observed failures of the issue ---------------------------------------------------------------


async def test_red_pla(shop: Shop) -> None:
    await assert_exactly(shop, "red pla", lambda s: "red" in s.color.lower().split() and s.material == "PLA")


async def test_galaxy_black_petg(shop: Shop) -> None:
    await assert_exactly(
        shop, "galaxy black petg", lambda s: s.color == "Galaxy Black" and s.material == "PETG"
    )


async def test_a_part_of_a_brand_finds_it(shop: Shop) -> None:
    found = await assert_exactly(shop, "Prusa", lambda s: "prusa" in s.words())
    assert shop.codes(lambda s: s.brand == "Prusament") < set(found)


async def test_a_code_prefix_finds_codes(shop: Shop) -> None:
    found = await assert_exactly(shop, "FIL-01", lambda s: s.code.startswith("FIL-01"))
    assert found == [f"FIL-01{n}" for n in range(10)]  # equal rank: code order
    await assert_exactly(shop, "FIL-0", lambda s: s.code.startswith("FIL-0"))
    await assert_exactly(shop, "fil01", lambda s: s.code.startswith("FIL-01"))


async def test_the_supplier_is_searched(shop: Shop) -> None:
    await assert_exactly(shop, "3djake", lambda s: s.supplier == "3DJake")
    await assert_exactly(shop, "Filament Outlet", lambda s: s.supplier == "Filament Outlet")


# --- twenty more ------------------------------------------------------------------------------------------


async def test_typos_in_colours_brands_and_suppliers(shop: Shop) -> None:
    await assert_exactly(shop, "glaxy", lambda s: s.color == "Galaxy Black")
    await assert_exactly(shop, "prusamnet", lambda s: s.brand == "Prusament")
    await assert_exactly(
        shop, "glaxy blak petg", lambda s: s.color == "Galaxy Black" and s.material == "PETG"
    )
    await assert_exactly(shop, "polymakr", lambda s: s.brand == "Polymaker")
    await assert_exactly(shop, "signl white", lambda s: s.color == "Signal White")
    await assert_exactly(shop, "amazn", lambda s: s.supplier == "Amazon")


async def test_a_number_finds_its_code_first(shop: Shop) -> None:
    found = await shop.found("12")
    assert found[0] == "FIL-012"
    assert {f"FIL-12{n}" for n in range(10)} <= set(found)  # codes starting with it follow
    assert "FIL-013" not in found and "FIL-112" not in found
    assert (await shop.found("FIL-12"))[0] == "FIL-012"
    assert (await shop.found("fil-012")) == ["FIL-012"]


async def test_lot_numbers_whole_in_parts_and_joined(shop: Shop) -> None:
    await assert_exactly(shop, "LOT-2024-0117", lambda s: s.lot == "LOT-2024-0117")
    await assert_exactly(shop, "2024-0117", lambda s: s.lot == "LOT-2024-0117")
    await assert_exactly(shop, "PM23", lambda s: s.lot == "PM23-4471")
    await assert_exactly(shop, "e2405b", lambda s: s.lot == "E2405B")
    await assert_exactly(shop, "bl88120", lambda s: s.lot == "BL-88120")


async def test_locations_rank_the_place_meant_first(shop: Shop) -> None:
    for q, location in (("drybox 2", "Drybox 2"), ("Shelf A", "Shelf A"), ("shelf c", "Shelf C")):
        found = await shop.found(q)
        there = shop.codes(lambda s, loc=location: s.location == loc)
        assert set(found[: len(there)]) == there, q
    await assert_exactly(shop, "cabinet", lambda s: s.location == "Cabinet")
    await assert_exactly(shop, "drybox", lambda s: s.location.startswith("Drybox"))


async def test_materials_by_code_and_by_name(shop: Shop) -> None:
    await assert_exactly(shop, "PETG", lambda s: s.material == "PETG")
    await assert_exactly(shop, "tpu", lambda s: s.material == "TPU")
    await assert_exactly(shop, "polycarbonate", lambda s: s.material == "PC")
    await assert_exactly(shop, "polymaker asa", lambda s: s.brand == "Polymaker" and s.material == "ASA")


async def test_colours_and_finishes(shop: Shop) -> None:
    await assert_exactly(shop, "jet black", lambda s: s.color == "Jet Black")
    await assert_exactly(shop, "black", lambda s: "Black" in s.color)
    await assert_exactly(shop, "fire red petg", lambda s: s.color == "Fire Red" and s.material == "PETG")
    await assert_exactly(shop, "silk", lambda s: s.finish == "Silk")
    await assert_exactly(shop, "white silk pla", lambda s: "White" in s.color and s.finish == "Silk")
    # every word in any field: red spools bought at the Bambu Store match too, after Bambu's own Red
    found = await assert_exactly(shop, "bambu red", lambda s: "bambu" in s.words() and "Red" in s.color)
    own = shop.codes(lambda s: s.brand == "Bambu" and s.color == "Red")
    assert set(found[: len(own)]) == own and len(found) > len(own)
    await assert_exactly(shop, "ESUN", lambda s: s.brand == "eSun")


async def test_exact_words_outrank_prefixes(shop: Shop) -> None:
    # "red" is a word of Fire Red, Lipstick Red, Bright Red and Red; nothing else starts with it here, so
    # the order among them is the code order, and every red spool comes back.
    found = await assert_exactly(shop, "red", lambda s: "Red" in s.color.split())
    assert found == sorted(found, key=lambda code: int(code.split("-")[1]))
    # "prusa" is a whole word of "Prusa Store" and "Prusa Orange", only a prefix of "Prusament".
    found = await shop.found("prusa")
    whole = shop.codes(lambda s: "prusa" in s.words().split())
    assert set(found[: len(whole)]) == whole


async def test_nothing_and_punctuation(shop: Shop) -> None:
    page = await shop.search("unicorn")
    assert page["items"] == [] and page["total"] == 0 and page["total_is_lower_bound"] is False
    page = await shop.search("-- !")  # no words: the plain list
    assert page["total"] == 200 and page["items"][0]["code"] == "FIL-001"
    assert await shop.found("galaxy unicorn") == []  # every word must match


async def test_other_sorts_and_filters_work_with_a_search(shop: Shop) -> None:
    pla = shop.codes(lambda s: s.material == "PLA")
    found = await shop.found("pla", sort="-code")
    assert set(found) == pla and found == sorted(found, key=lambda c: int(c.split("-")[1]), reverse=True)
    found = await shop.found("black", location="Drybox 2")
    assert set(found) == shop.codes(lambda s: "Black" in s.color and s.location == "Drybox 2")
    page = await shop.search("pla", limit=5, offset=5)
    assert page["total"] == len(pla) and len(page["items"]) == 5 and page["total_is_lower_bound"] is False
    page = await shop.search("pla", offset=190)
    assert page["items"] == [] and page["total"] == len(pla)


async def test_a_changed_spool_type_or_material_is_found_by_its_new_words(shop: Shop) -> None:
    c, h = shop.client, shop.headers
    spool = (await c.get("/api/v1/spools?q=fil-200", headers=h)).json()["items"][0]
    r = await c.patch(f"/api/v1/spools/{spool['id']}", json={"location": "Attic Rack"}, headers=h)
    assert r.status_code == 200, r.text
    assert await shop.found("attic") == ["FIL-200"]
    assert await shop.found("atic rack") == ["FIL-200"]  # a new word is at once a typo target
    mine = await c.post("/api/v1/material-types", json={"code": "PAHT", "name": "Nylon CF"}, headers=h)
    ft = await c.post(
        "/api/v1/filament-types",
        json={"material_type_id": mine.json()["id"], "brand": "Fillamentum", "color_name": "Carbon"},
        headers=h,
    )
    new = await c.post(
        "/api/v1/spools", json={"filament_type_id": ft.json()["id"], "initial_weight": 750}, headers=h
    )
    code = new.json()["code"]
    assert await shop.found("fillamentum paht") == [code]
    await c.patch(f"/api/v1/filament-types/{ft.json()['id']}", json={"color_name": "Graphite"}, headers=h)
    assert await shop.found("graphite") == [code] and await shop.found("carbon") == []
    await c.patch(f"/api/v1/material-types/{mine.json()['id']}", json={"name": "Polyamide CF"}, headers=h)
    assert await shop.found("polyamide") == [code] and await shop.found("nylon cf") == []
    # archived spools leave the search like the list
    await c.post(f"/api/v1/spools/{new.json()['id']}/archive", headers=h)
    assert await shop.found("graphite") == []
    assert await shop.found("graphite", archived="true") == [code]


async def test_a_search_is_bounded_and_says_when_it_stopped_counting(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "SEARCH_CANDIDATES", 5)
    page = await shop.search("pla")
    assert page["total"] == 5 and page["total_is_lower_bound"] is True and len(page["items"]) == 5
    page = await shop.search("pla", sort="code", limit=3)
    assert page["total"] == 5 and page["total_is_lower_bound"] is True
    assert [s["code"] for s in page["items"]] == sorted(shop.codes(lambda s: s.material == "PLA"))[:3]
    # the exact matches are candidates before prefix ones: the code 12 still comes first
    assert (await shop.found("12"))[0] == "FIL-012"
    page = await shop.search("cabinet", offset=10)  # past the candidates: empty, and the count still right
    assert page["items"] == [] and page["total"] == 5


async def test_a_sorted_search_finds_its_page_wherever_its_matches_lie_in_the_order(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search in a column's order looks for its page among the first SEARCH_HEAD spools in that order
    (1,000: the whole shop here), then, when they hold too few matches, among all the matches sorted."""
    cases = [
        ("fil-19", {"sort": "code"}),
        ("fil-19", {"sort": "-current_weight", "limit": 3, "offset": 2}),
        ("drybox", {"sort": "-code", "limit": 7, "offset": 5}),
        ("cabinet amazon", {"sort": "location"}),
    ]
    expected = [await shop.search(q, **params) for q, params in cases]
    codes = [s["code"] for s in expected[0]["items"]]
    assert codes == ["FIL-019", *(f"FIL-{n}" for n in range(190, 200))]
    assert all(page["items"] for page in expected)
    monkeypatch.setattr(repository, "SEARCH_HEAD", 5)  # the first five spools hold none of these pages
    assert [await shop.search(q, **params) for q, params in cases] == expected


async def test_a_search_never_returns_another_tenants_spools(
    shop: Shop, make_token: Callable[..., str]
) -> None:
    c = shop.client
    other = {"Authorization": f"Bearer {make_token(uuid.uuid4(), Role.member, uuid.uuid4())}"}
    pla = next(
        m["id"]
        for m in (await c.get("/api/v1/material-types", headers=other)).json()["items"]
        if m["code"] == "PLA"
    )
    ft = await c.post(
        "/api/v1/filament-types",
        json={"material_type_id": pla, "brand": "Zyltech", "color_name": "Galaxy Black"},
        headers=other,
    )
    theirs = await c.post(
        "/api/v1/spools",
        json={"filament_type_id": ft.json()["id"], "initial_weight": 1000, "location": "Shelf A"},
        headers=other,
    )
    assert theirs.status_code == 201
    assert await shop.found("zyltech") == [] and await shop.found("zyltek") == []
    mine = (await shop.search("galaxy"))["items"]
    assert mine and theirs.json()["id"] not in {s["id"] for s in mine}
    response = await c.get("/api/v1/spools", params={"q": "galaxy shelf"}, headers=other)
    assert [s["id"] for s in response.json()["items"]] == [theirs.json()["id"]]
    # the other tenant's words are not its typo targets either: "glaxy" finds only its own spool
    response = await c.get("/api/v1/spools", params={"q": "prusamnet"}, headers=other)
    assert response.json()["items"] == []
