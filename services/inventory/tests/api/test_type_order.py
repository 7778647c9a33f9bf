"""Filament types come in a stable order: within a material by brand, then colour name, then id."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db


async def test_types_within_a_material_are_sorted_by_brand_then_colour(api, client) -> None:
    tenant = api.tenant()
    pla = str(await api.material_id(tenant, "PLA"))
    petg = str(await api.material_id(tenant, "PETG"))
    # Created in an order that is neither the wanted one nor its reverse, so an id or insertion order fails.
    created = [
        (petg, "Prusament", "Orange"),
        (pla, "Prusament", "Galaxy Black"),
        (pla, "Bambu", "White"),
        (petg, "Extrudr", "Black"),
        (pla, "Prusament", "Azure Blue"),
        (pla, "Bambu", "Black"),
        (petg, "Prusament", "Anthracite"),
    ]
    for material, brand, colour in created:
        await api.filament_type(tenant, material_type_id=material, brand=brand, color_name=colour)

    def names(body: dict) -> list[tuple[str, str, str]]:
        return [(t["material_code"], t["brand"], t["color_name"]) for t in body["items"]]

    by_material = await client.get("/api/v1/filament-types?sort=material_code", headers=tenant.headers())
    assert by_material.status_code == 200, by_material.text
    assert names(by_material.json()) == [
        ("PETG", "Extrudr", "Black"),
        ("PETG", "Prusament", "Anthracite"),
        ("PETG", "Prusament", "Orange"),
        ("PLA", "Bambu", "Black"),
        ("PLA", "Bambu", "White"),
        ("PLA", "Prusament", "Azure Blue"),
        ("PLA", "Prusament", "Galaxy Black"),
    ]

    # The default sort (brand) breaks ties by material, then colour.
    by_brand = await client.get("/api/v1/filament-types", headers=tenant.headers())
    assert names(by_brand.json()) == [
        ("PLA", "Bambu", "Black"),
        ("PLA", "Bambu", "White"),
        ("PETG", "Extrudr", "Black"),
        ("PETG", "Prusament", "Anthracite"),
        ("PETG", "Prusament", "Orange"),
        ("PLA", "Prusament", "Azure Blue"),
        ("PLA", "Prusament", "Galaxy Black"),
    ]

    # Paging through the list one at a time gives the same order as one page.
    paged = []
    for offset in range(len(created)):
        page = await client.get(
            f"/api/v1/filament-types?sort=material_code&limit=1&offset={offset}", headers=tenant.headers()
        )
        paged.extend(names(page.json()))
    assert paged == names(by_material.json())
