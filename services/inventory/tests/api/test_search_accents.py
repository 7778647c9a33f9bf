"""The spool search folds accents in the documents and in the query (migration 0009, ADR 0014 amendment):
``cafe`` finds Café Brown, ``café`` finds Cafe Latte, ``grun`` Grün, ``uber`` Über..., in every field, and
a document rewritten by a rename folds too."""

from __future__ import annotations

from typing import Any

from batchivo_common.auth.tokens import Role


async def _codes(client, tenant, q: str) -> list[str]:
    response = await client.get(
        "/api/v1/spools", params={"q": q, "limit": 100}, headers=tenant.headers(Role.viewer)
    )
    assert response.status_code == 200, response.text
    return sorted(s["code"] for s in response.json()["items"])


async def test_accents_are_folded_in_documents_and_queries(api, client) -> None:
    tenant = api.tenant()
    made: dict[str, dict[str, Any]] = {}
    for key, brand, colour in [
        ("cafe_brown", "Polymaker", "Café Brown"),
        ("cafe_latte", "Elegoo", "Cafe Latte"),
        ("grun", "Extrudr", "Grün"),
        ("uber", "Extrudr", "Übersee Blau"),
        ("plain", "Prusament", "Galaxy Black"),
    ]:
        filament = await api.filament_type(tenant, brand=brand, color_name=colour)
        made[key] = await api.spool(tenant, filament["id"])
    kitchen = await api.spool(
        tenant, made["plain"]["filament_type_id"], location="Küche", supplier="Müller & Söhne"
    )

    def codes(*keys: str) -> list[str]:
        return sorted(made[k]["code"] for k in keys)

    assert await _codes(client, tenant, "cafe") == codes("cafe_brown", "cafe_latte")
    assert await _codes(client, tenant, "CAFÉ") == codes("cafe_brown", "cafe_latte")
    assert await _codes(client, tenant, "café brown") == codes("cafe_brown")
    assert await _codes(client, tenant, "grun") == codes("grun")
    assert await _codes(client, tenant, "grün") == codes("grun")
    assert await _codes(client, tenant, "uber") == codes("uber")
    assert await _codes(client, tenant, "Ubersee") == codes("uber")
    assert await _codes(client, tenant, "kuche muller") == [kitchen["code"]]  # location and supplier
    assert await _codes(client, tenant, "sohne") == [kitchen["code"]]
    # a misspelling of a folded word is matched to it
    assert await _codes(client, tenant, "ubersse") == codes("uber")

    # a rename rewrites the spool's document: folded too
    renamed = await client.patch(
        f"/api/v1/filament-types/{made['plain']['filament_type_id']}",
        json={"color_name": "Weiß"},
        headers=tenant.headers(),
    )
    assert renamed.status_code == 200, renamed.text
    assert await _codes(client, tenant, "weiss") == sorted([made["plain"]["code"], kitchen["code"]])
    assert await _codes(client, tenant, "galaxy") == []
