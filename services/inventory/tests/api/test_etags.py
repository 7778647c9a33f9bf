"""ETag / If-Match on every PATCH of the inventory service (docs/api.md): the PATCH routes come
from the OpenAPI, so a new one fails here until it is guarded and has a case."""

from __future__ import annotations

from typing import Any

import httpx
from batchivo_common.auth.tokens import Role
from batchivo_common.testing.etags import PatchCase, check_patch_preconditions
from fastapi import FastAPI


async def test_every_patch_refuses_a_stale_etag(client: httpx.AsyncClient, app: FastAPI, api: Any) -> None:
    shop = api.tenant()
    headers = shop.headers(Role.admin)

    async def spool() -> PatchCase:
        created = await api.spool(shop)
        url = f"/api/v1/spools/{created['id']}"
        return PatchCase(url, url, {"notes": "top shelf"}, {"notes": "bottom shelf"}, headers)

    async def filament_type() -> PatchCase:
        created = await api.filament_type(shop)
        url = f"/api/v1/filament-types/{created['id']}"
        return PatchCase(url, url, {"bed_temp": 60}, {"bed_temp": 65}, headers)

    async def material_type() -> PatchCase:
        response = await client.post(
            "/api/v1/material-types", json={"code": "ETAGX", "name": "House blend"}, headers=headers
        )
        assert response.status_code == 201, response.text
        url = f"/api/v1/material-types/{response.json()['id']}"
        return PatchCase(url, url, {"bed_temp": 80}, {"bed_temp": 85}, headers)

    async def location() -> PatchCase:
        response = await client.post("/api/v1/locations", json={"name": "Shelf A"}, headers=headers)
        assert response.status_code == 201, response.text
        url = f"/api/v1/locations/{response.json()['id']}"
        return PatchCase(url, url, {"description": "by the door"}, {"description": "by the window"}, headers)

    await check_patch_preconditions(
        client,
        app,
        {
            "/api/v1/spools/{spool_id}": spool,
            "/api/v1/filament-types/{filament_type_id}": filament_type,
            "/api/v1/material-types/{material_type_id}": material_type,
            "/api/v1/locations/{location_id}": location,
        },
        not_versioned={
            path: "Spoolman's API has no ETags and its clients never send If-Match (docs/spoolman.md)"
            for path in (
                "/compat/spoolman/api/v1/spool/{spool_id}",
                "/compat/spoolman/api/v1/filament/{filament_id}",
                "/compat/spoolman/api/v1/vendor/{vendor_id}",
            )
        },
    )


async def test_a_stale_etag_on_a_missing_or_foreign_resource_is_404(
    client: httpx.AsyncClient, api: Any
) -> None:
    owner, stranger = api.tenant(), api.tenant()
    spool = await api.spool(owner)
    tag = (await client.get(f"/api/v1/spools/{spool['id']}", headers=owner.headers())).headers["etag"]
    # Another shop neither learns the tag nor gets a 412 that would tell the spool exists.
    foreign = await client.patch(
        f"/api/v1/spools/{spool['id']}", json={"notes": "x"}, headers={**stranger.headers(), "If-Match": tag}
    )
    api.error(foreign, 404, "NOT_FOUND")
    assert "etag" not in foreign.headers
