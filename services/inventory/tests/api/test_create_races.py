"""A spool created while its filament type is deleted by another transaction: the type was read, then gone
when the spool's INSERT ran. The foreign key refuses the insert (on the driver), and the answer is the 404
of a missing type, with nothing written."""

from __future__ import annotations

import uuid

import pytest
from batchivo_inventory.materials.repository import FilamentTypeRepository

pytestmark = pytest.mark.db


async def test_a_type_deleted_before_the_insert_is_a_404_and_writes_nothing(
    api, client, admin_conn, monkeypatch
) -> None:
    tenant = api.tenant()
    kept = await api.filament_type(tenant)
    gone = await api.filament_type(tenant, color_name="Gone")
    read = FilamentTypeRepository.get

    async def read_then_lose(self, tenant_id, filament_type_id, **kw):  # type: ignore[no-untyped-def]
        loaded = await read(self, tenant_id, filament_type_id, **kw)
        if str(filament_type_id) == gone["id"]:  # another transaction deletes it now, and commits
            await admin_conn.execute(
                "DELETE FROM inventory.filament_types WHERE id = $1", uuid.UUID(gone["id"])
            )
        return loaded

    monkeypatch.setattr(FilamentTypeRepository, "get", read_then_lose)
    response = await client.post(
        "/api/v1/spools",
        json={"filament_type_id": gone["id"], "initial_weight": 1000, "purchase_price": 20},
        headers=tenant.headers(),
    )
    api.error(response, 404)
    assert response.json()["detail"] == "Filament type not found"
    counts = await admin_conn.fetchrow(
        "SELECT (SELECT count(*) FROM inventory.spools WHERE tenant_id = $1) AS spools,"
        " (SELECT count(*) FROM inventory.inventory_transactions WHERE tenant_id = $1) AS ledger,"
        " (SELECT count(*) FROM inventory.outbox WHERE tenant_id = $1"
        "   AND event_type = 'inventory.spool.created.v1') AS events",
        tenant.id,
    )
    assert dict(counts) == {"spools": 0, "ledger": 0, "events": 0}
    # The type still there takes spools as before.
    body = {"filament_type_id": kept["id"], "initial_weight": 1000}
    created = await client.post("/api/v1/spools", json=body, headers=tenant.headers())
    assert created.status_code == 201, created.text


async def test_a_missing_type_with_a_new_place_is_a_404_that_creates_no_place(
    api, client, admin_conn
) -> None:
    """A create reads its type and its named place in one statement: without the type, nothing is written,
    not even the new place (it would be created only after the type was found)."""
    tenant = api.tenant()
    await api.filament_type(tenant)
    body = {"filament_type_id": str(uuid.uuid4()), "initial_weight": 1000, "location": "Brand New Shelf"}
    api.error(await client.post("/api/v1/spools", json=body, headers=tenant.headers()), 404)
    places = "SELECT count(*) FROM inventory.locations WHERE tenant_id = $1"
    assert await admin_conn.fetchval(places, tenant.id) == 0
    kept = (await api.filament_type(tenant, color_name="Kept"))["id"]
    created = await client.post(
        "/api/v1/spools",
        json={**body, "filament_type_id": kept, "location": " brand  new shelf"},
        headers=tenant.headers(),
    )
    assert created.status_code == 201 and created.json()["location"] == "brand new shelf", created.text
    again = await api.spool(tenant, kept, location="BRAND NEW SHELF")
    assert again["location"] == "brand new shelf" and again["location_id"] == created.json()["location_id"]
    assert await admin_conn.fetchval(places, tenant.id) == 1
