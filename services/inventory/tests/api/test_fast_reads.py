"""The hot reads answer from plain rows serialised once (``TrustedJSONResponse``, issue 14): what they send
must be exactly what the pydantic models send for the same spools, byte for byte."""

from __future__ import annotations

import pytest
from batchivo_inventory.spools.repository import _LOADED, SpoolRecord
from batchivo_inventory.spools.schemas import SpoolPage, SpoolRead

pytestmark = pytest.mark.db


def test_a_spool_record_has_the_loaded_columns_in_order() -> None:
    assert list(SpoolRecord._fields) == [c.key for c in _LOADED]


async def test_list_items_are_what_a_single_spool_read_answers(api, client) -> None:
    t = api.tenant()
    pla = await api.filament_type(t)
    petg = await api.filament_type(t, material_type_id=str(await api.material_id(t, "PETG")))
    made = [
        await api.spool(t, pla["id"]),
        await api.spool(
            t,
            petg["id"],
            initial_weight=750.5,
            empty_spool_weight=212.25,
            purchase_price=24.99,
            purchase_date="2026-01-31",
            supplier="Café Ümlaut 日本",
            location="Shelf A",
            lot_number="L-1",
            notes='quote " and \\ back',
            low_stock_threshold_pct=33.33,
        ),
        await api.spool(t, pla["id"], initial_weight=1, purchase_price=0),
    ]
    used = await client.post(
        f"/api/v1/spools/{made[1]['id']}/use", json={"grams": 700.25}, headers=t.headers()
    )
    assert used.status_code == 200 and used.json()["is_low_stock"] is True, used.text

    for query in ("limit=50", "material=PETG", "q=Ümlaut", "sort=-current_weight"):
        listed = await client.get(f"/api/v1/spools?{query}", headers=t.headers())
        assert listed.status_code == 200, listed.text
        assert listed.headers["content-type"] == "application/json"
        items = listed.json()["items"]
        assert items, query
        for item in items:
            single = await client.get(f"/api/v1/spools/{item['id']}", headers=t.headers())
            assert item == single.json(), query
            model = SpoolRead.model_validate(single.json())
            assert single.content == model.__pydantic_serializer__.to_json(model)
            assert single.headers["etag"].startswith(f'"{item["id"]}-')
        # The page's bytes are the model's own serialisation of the same values.
        page = SpoolPage.model_validate(listed.json())
        assert listed.content == page.__pydantic_serializer__.to_json(page), query
        assert all(isinstance(i, SpoolRead) for i in page.items)


async def test_the_hot_writes_answer_what_a_read_of_the_spool_answers(api, client) -> None:
    """create, use and weigh answer from the written row (``spool_answer``): the model's own bytes, and the
    values a GET of the spool answers right after."""
    t = api.tenant()
    pla = await api.filament_type(t)
    body = {
        "filament_type_id": pla["id"],
        "initial_weight": 1000.5,
        "empty_spool_weight": 212.25,
        "purchase_price": 19.99,
        "purchase_date": "2026-02-28",
        "supplier": "Ärger & Co 日本",
        "location": "Shelf B",
        "notes": 'quote " and \\ back',
    }
    created = await client.post("/api/v1/spools", json=body, headers=t.headers())
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"/api/v1/spools/{created.json()['id']}"
    url = f"/api/v1/spools/{created.json()['id']}"
    used = await client.post(f"{url}/use", json={"grams": 0.75}, headers=t.headers())
    weighed = await client.post(f"{url}/weigh", json={"net_grams": 900.12}, headers=t.headers())
    for answer, expected in ((created, 201), (used, 200), (weighed, 200)):
        assert answer.status_code == expected, answer.text
        assert answer.headers["content-type"] == "application/json"
        model = SpoolRead.model_validate(answer.json())
        assert answer.content == model.__pydantic_serializer__.to_json(model)
    assert used.json()["current_weight"] == 999.75
    read = await client.get(url, headers=t.headers())
    assert weighed.json() == read.json()
