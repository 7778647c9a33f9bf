"""ETag / If-Match on every PATCH of the auth service (docs/api.md): a member's role. The PATCH
routes come from the OpenAPI, so a new one fails here until it is guarded and has a case."""

from __future__ import annotations

from typing import Any

import httpx
from batchivo_common.testing.etags import PatchCase, check_patch_preconditions
from fastapi import FastAPI


async def test_every_patch_refuses_a_stale_etag(client: httpx.AsyncClient, app: FastAPI, api: Any) -> None:
    owner = await api.register()

    async def member() -> PatchCase:
        person = await api.add_member(owner, await api.register(), "viewer")
        url = f"/api/v1/tenant/members/{person.user_id}"
        return PatchCase(url, url, {"role": "member"}, {"role": "admin"}, owner.headers)

    await check_patch_preconditions(client, app, {"/api/v1/tenant/members/{user_id}": member})
