"""``GET /filament-types?q=`` searches by the spool search's rules (spools/search.py, ADR 0014 amendment):
every term must match, each in any field (brand, colour, finish, material code and name, remembered retail
codes); prefixes; typos; accents folded; ranked best first unless another sort is asked.

The shop: 23 filament types of 11 brands, 8 materials (two the shop's own: PLA+ "PLA Plus" and PETG-CF),
three remembered retail codes, and another shop whose Galaxy type must never show.
"""

from __future__ import annotations

from typing import Any

import pytest
from batchivo_common.auth.tokens import Role

#: brand, colour, material code, finish
TYPES = [
    ("Prusament", "Galaxy Black", "PLA", None),
    ("Prusament", "Galaxy Silver", "PLA", None),
    ("Prusament", "Galaxy Black", "PETG", None),
    ("Prusament", "Jet Black", "PETG", None),
    ("Prusament", "Prusa Orange", "PETG", None),
    ("Polymaker", "Café Brown", "PLA", "Matte"),
    ("Polymaker", "Teal", "PLA", None),
    ("Polymaker", "Black", "ASA", None),
    ("Polymaker", "Clear", "PC", None),
    ("eSun", "Black", "PLA+", None),
    ("eSun", "Fire Engine Red", "PLA+", None),
    ("Extrudr", "Grün", "PLA", None),
    ("Extrudr", "Übersee Blau", "PETG", None),
    ("Fillamentum", "Crystal Clear", "PETG", "Transparent"),
    ("Fillamentum", "Vertigo Galaxy", "PLA", None),
    ("Bambu Lab", "Black", "PLA", "Matte"),
    ("Bambu Lab", "Jade White", "PLA", None),
    ("Bambu Lab", "Black", "PETG-CF", None),
    ("Overture", "Space Grey", "TPU", None),
    ("Overture", "Black", "ABS", None),
    ("Sunlu", "Gold", "PLA", "Silk"),
    ("Elegoo", "Cafe Latte", "PLA", None),
    ("Geeetech", "Straße Grau", "PLA", None),
]
#: (brand, colour, material) → a retail code remembered for it (valid check digits; the UPC-A is stored
#: with a leading zero).
CODES = {
    ("Prusament", "Galaxy Black", "PLA"): "4260256410770",
    ("eSun", "Black", "PLA+"): "8719692345673",
    ("Sunlu", "Gold", "PLA"): "036000291452",
}
OWN_MATERIALS = [("PLA+", "PLA Plus"), ("PETG-CF", "PETG Carbon Fibre")]


class Shop:
    def __init__(self, api, client) -> None:
        self.api, self.client = api, client
        self.tenant = api.tenant()
        self.materials: dict[str, str] = {}

    async def build(self) -> Shop:
        for code, name in OWN_MATERIALS:
            created = await self.client.post(
                "/api/v1/material-types", json={"code": code, "name": name}, headers=self.tenant.headers()
            )
            assert created.status_code == 201, created.text
        listed = await self.client.get("/api/v1/material-types?limit=200", headers=self.tenant.headers())
        self.materials = {m["code"]: m["id"] for m in listed.json()["items"]}
        for brand, colour, material, finish in TYPES:
            made = await self.api.filament_type(
                self.tenant,
                brand=brand,
                color_name=colour,
                material_type_id=self.materials[material],
                finish=finish,
            )
            code = CODES.get((brand, colour, material))
            if code is not None:
                remembered = await self.client.post(
                    f"/api/v1/filament-types/{made['id']}/barcodes",
                    json={"code": code},
                    headers=self.tenant.headers(),
                )
                assert remembered.status_code == 201, remembered.text
        # another shop's look-alike never shows
        other = self.api.tenant()
        await self.api.filament_type(other, brand="Prusament", color_name="Galaxy Black")
        return self

    async def search(self, q: str, **params: Any) -> dict[str, Any]:
        response = await self.client.get(
            "/api/v1/filament-types",
            params={"q": q, "limit": 100, **params},
            headers=self.tenant.headers(Role.viewer),
        )
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        assert page["total"] == len(page["items"])  # every page here is whole
        return page

    async def names(self, q: str, **params: Any) -> list[str]:
        items = (await self.search(q, **params))["items"]
        return [f"{i['brand']} {i['color_name']} {i['material_code']}" for i in items]


@pytest.fixture
async def shop(api, client) -> Shop:
    return await Shop(api, client).build()


async def test_every_word_must_match_in_some_field_and_words_may_be_prefixes(shop) -> None:
    assert sorted(await shop.names("prusa galaxy")) == [
        "Prusament Galaxy Black PETG",
        "Prusament Galaxy Black PLA",
        "Prusament Galaxy Silver PLA",
    ]
    assert await shop.names("galaxy black petg") == ["Prusament Galaxy Black PETG"]
    assert await shop.names("GALAXY-BLACK pet") == ["Prusament Galaxy Black PETG"]  # a phrase, then a prefix
    assert sorted(await shop.names("matte black")) == ["Bambu Lab Black PLA"]  # the finish is searched
    assert sorted(await shop.names("carbon")) == ["Bambu Lab Black PETG-CF"]  # so is the material's name
    assert await shop.names("unicorn") == []


async def test_exact_words_rank_before_prefixes(shop) -> None:
    # "prusa" is a whole word of Prusa Orange's colour and only the start of the other Prusament types
    found = await shop.names("prusa")
    assert found[0] == "Prusament Prusa Orange PETG" and len(found) == 5
    # the worst first when asked, and another sort when asked
    assert (await shop.names("prusa", sort="-relevance"))[-1] == "Prusament Prusa Orange PETG"
    assert await shop.names("galaxy", sort="brand") == [  # ties: material, then colour
        "Fillamentum Vertigo Galaxy PLA",
        "Prusament Galaxy Black PETG",
        "Prusament Galaxy Black PLA",
        "Prusament Galaxy Silver PLA",
    ]


async def test_a_misspelt_word_finds_the_word_meant_even_for_types_without_spools(shop) -> None:
    # blak is one edit from black and from blau (Übersee Blau): both are what it may mean
    assert sorted(await shop.names("petg blak")) == [
        "Bambu Lab Black PETG-CF",
        "Extrudr Übersee Blau PETG",
        "Prusament Galaxy Black PETG",
        "Prusament Jet Black PETG",
    ]
    assert sorted(await shop.names("glaxy silver")) == ["Prusament Galaxy Silver PLA"]
    # Decided: a three-letter abbreviation is neither a prefix nor a typo match (typos need 4+ letters,
    # and blk is 2 edits from black), as in the spool search.
    assert await shop.names("petg blk") == []


async def test_accents_are_folded_both_ways(shop) -> None:
    assert sorted(await shop.names("cafe")) == ["Elegoo Cafe Latte PLA", "Polymaker Café Brown PLA"]
    assert sorted(await shop.names("CAFÉ")) == ["Elegoo Cafe Latte PLA", "Polymaker Café Brown PLA"]
    assert await shop.names("grun") == ["Extrudr Grün PLA"]
    assert await shop.names("uber") == ["Extrudr Übersee Blau PETG"]
    assert await shop.names("Ubersee blau") == ["Extrudr Übersee Blau PETG"]
    assert await shop.names("strasse") == ["Geeetech Straße Grau PLA"]


async def test_plus_is_not_a_word_character_so_pla_plus_is_pla(shop) -> None:
    # Decided, as in the spool search: words are letters and digits, so "pla+" is "pla": every PLA and PLA+
    # type (PLA+ is the shop's own material "PLA Plus"), and "pla plus" narrows it to PLA+.
    pla = {f"{b} {c} {m}" for b, c, m, _ in TYPES if m in ("PLA", "PLA+")}
    assert set(await shop.names("pla+")) == pla
    assert sorted(await shop.names("pla plus")) == ["eSun Black PLA+", "eSun Fire Engine Red PLA+"]
    assert await shop.names("pla+ red") == ["eSun Fire Engine Red PLA+"]


async def test_retail_codes_are_found_whole_or_by_their_start(shop) -> None:
    assert await shop.names("4260256410770") == ["Prusament Galaxy Black PLA"]
    assert await shop.names("426025") == ["Prusament Galaxy Black PLA"]
    assert await shop.names("8719692") == ["eSun Black PLA+"]
    # a UPC-A is stored as 13 digits with a leading zero; its own 12 digits (or their start) find it too
    assert await shop.names("036000291452") == ["Sunlu Gold PLA"]
    assert await shop.names("0360002") == ["Sunlu Gold PLA"]
    assert await shop.names("0036000") == ["Sunlu Gold PLA"]
    assert await shop.names("36000") == ["Sunlu Gold PLA"]
    assert await shop.names("426025 silver") == []  # still every word must match


async def test_the_query_combines_with_the_material_filter(shop) -> None:
    petg = shop.materials["PETG"]
    assert sorted(await shop.names("black", material_type_id=petg)) == [
        "Prusament Galaxy Black PETG",
        "Prusament Jet Black PETG",
    ]


async def test_a_query_without_words_lists_everything_and_bad_input_is_a_clean_error(shop, api) -> None:
    everything = await shop.search("-- !")
    assert everything["total"] == len(TYPES)
    # without a query the relevance order is the plain one: material, then brand, then colour
    plain = await shop.client.get(
        "/api/v1/filament-types", params={"limit": 3, "sort": "relevance"}, headers=shop.tenant.headers()
    )
    assert [i["material_code"] for i in plain.json()["items"]] == ["ABS", "ASA", "PC"]
    too_long = await shop.client.get(
        "/api/v1/filament-types", params={"q": "x" * 201}, headers=shop.tenant.headers()
    )
    api.error(too_long, 422)
    bad_sort = await shop.client.get(
        "/api/v1/filament-types", params={"q": "pla", "sort": "score"}, headers=shop.tenant.headers()
    )
    api.error(bad_sort, 422)
    quoted = await shop.search("o'brien \\ & | ! :* <->")  # tsquery syntax is never parsed from the query
    assert quoted["total"] == 0
