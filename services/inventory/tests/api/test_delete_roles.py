"""Deletes are reserved for admins (domain.md §1: member reads and writes; admin also deletes)."""

from __future__ import annotations

import pytest
from batchivo_common.auth.tokens import Role


@pytest.mark.parametrize("role", [Role.viewer, Role.member])
async def test_below_admin_cannot_delete_and_nothing_is_deleted(api, client, role: Role) -> None:
    tenant = api.tenant()
    material = await client.post(
        "/api/v1/material-types", json={"code": "PEEK", "name": "PEEK"}, headers=tenant.headers()
    )
    assert material.status_code == 201, material.text
    unused_material = await client.post(
        "/api/v1/material-types", json={"code": "PEI", "name": "PEI"}, headers=tenant.headers()
    )
    filament = await api.filament_type(tenant)
    empty_filament = await api.filament_type(tenant)
    spool = await api.spool(tenant, filament["id"])
    paths = [
        f"/api/v1/material-types/{unused_material.json()['id']}",
        f"/api/v1/filament-types/{empty_filament['id']}",
        f"/api/v1/spools/{spool['id']}",
    ]
    for path in paths:
        api.error(await client.delete(path, headers=tenant.headers(role)), 403, "FORBIDDEN")
    for path in paths:
        assert (await client.get(path, headers=tenant.headers())).status_code == 200, path


@pytest.mark.parametrize("role", [Role.admin, Role.owner])
async def test_admin_and_owner_delete(api, client, role: Role) -> None:
    tenant = api.tenant()
    material = await client.post(
        "/api/v1/material-types", json={"code": "PEI", "name": "PEI"}, headers=tenant.headers()
    )
    filament = await api.filament_type(tenant)
    spool = await api.spool(tenant)
    paths = [
        f"/api/v1/material-types/{material.json()['id']}",
        f"/api/v1/filament-types/{filament['id']}",
        f"/api/v1/spools/{spool['id']}",
    ]
    for path in paths:
        assert (await client.delete(path, headers=tenant.headers(role))).status_code == 204, path
        api.error(await client.get(path, headers=tenant.headers()), 404)
