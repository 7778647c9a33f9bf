"""``total`` of the spool list without ``q``: exact up to LIST_COUNT_CAP matches past the page's offset, then
that lower bound with ``total_is_lower_bound`` (docs/adr/0018-spool-list-scale.md)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from batchivo_inventory.spools import repository

pytestmark = pytest.mark.db


async def test_total_is_exact_up_to_the_cap_and_a_lower_bound_past_it(api, client, monkeypatch) -> None:
    monkeypatch.setattr(repository, "LIST_COUNT_CAP", 5)
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    for n in range(8):
        await api.spool(tenant, ft["id"], location="Shelf A" if n < 5 else "Shelf B")

    async def page(query: str) -> dict[str, Any]:
        response = await client.get(f"/api/v1/spools?{query}", headers=tenant.headers())
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    first = await page("limit=2")
    assert (first["total"], first["total_is_lower_bound"], len(first["items"])) == (5, True, 2)
    # The cap counts from the offset: a page past the cap still knows there is a next one.
    assert (t := await page("limit=2&offset=2"))["total"] == 7 and t["total_is_lower_bound"]
    last = await page("limit=2&offset=4")
    assert (last["total"], last["total_is_lower_bound"]) == (8, False)
    # Exactly the cap is exact; fewer is exact; filters count only their matches.
    assert (t := await page("location=Shelf%20A"))["total"] == 5 and not t["total_is_lower_bound"]
    assert (t := await page("location=Shelf%20B"))["total"] == 3 and not t["total_is_lower_bound"]
    assert (t := await page("limit=2&sort=-current_weight"))["total"] == 5 and t["total_is_lower_bound"]
    empty = await page("location=Nowhere")
    assert (empty["total"], empty["total_is_lower_bound"], empty["items"]) == (0, False, [])
    # A page past the last match has no row to carry the count: it is counted on its own.
    past = await page("limit=2&offset=20")
    assert (past["total"], past["total_is_lower_bound"], past["items"]) == (8, False, [])
    past = await page("location=Shelf%20B&offset=3")
    assert (past["total"], past["total_is_lower_bound"], past["items"]) == (3, False, [])


async def test_a_big_tenant_counts_to_the_real_cap(api, client, admin_conn) -> None:
    tenant = api.tenant()
    ft = await api.filament_type(tenant)
    extra = repository.LIST_COUNT_CAP + 4
    await admin_conn.execute(
        "INSERT INTO inventory.spools (id, tenant_id, code, filament_type_id, initial_weight, current_weight)"
        " SELECT gen_random_uuid(), $1, 'BIG-' || i, $2, 1000, i % 1000"
        " FROM generate_series(1, $3) AS g(i)",
        tenant.id,
        uuid.UUID(ft["id"]),
        extra,
    )
    other = api.tenant()  # another tenant's spools never count
    await api.spool(other)

    response = await client.get("/api/v1/spools?limit=50", headers=tenant.headers())
    body = response.json()
    assert (body["total"], body["total_is_lower_bound"]) == (repository.LIST_COUNT_CAP, True), body["total"]
    offset = extra - 3
    response = await client.get(f"/api/v1/spools?limit=50&offset={offset}", headers=tenant.headers())
    body = response.json()
    assert (body["total"], body["total_is_lower_bound"], len(body["items"])) == (extra, False, 3)
