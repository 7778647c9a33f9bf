"""ETag / If-Match on every PATCH of the production service (docs/api.md): a run's items and
material lines are guarded by the run's ETag. The PATCH routes come from the OpenAPI, so a new one fails
here until it is guarded and has a case."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from batchivo_common.testing.etags import PatchCase, check_patch_preconditions
from fastapi import FastAPI

RUNS = "/api/v1/production-runs"


async def test_every_patch_refuses_a_stale_etag(client: httpx.AsyncClient, app: FastAPI, api: Any) -> None:
    t = api.tenant()
    headers = t.headers()
    red = uuid.uuid4()
    spool = await api.spool(t, red)
    model = await api.model(t, {red: 40})

    async def run() -> dict[str, Any]:
        return await api.run(
            t,
            items=[{"model_id": str(model), "quantity": 2}],
            materials=[{"spool_id": str(spool), "estimated_model_grams": 10}],
        )

    async def printer() -> PatchCase:
        created = await api.post(t, "/api/v1/printers", {"name": "MK4"})
        url = f"/api/v1/printers/{created['id']}"
        return PatchCase(url, url, {"notes": "left bench"}, {"notes": "right bench"}, headers)

    async def whole_run() -> PatchCase:
        url = f"{RUNS}/{(await run())['id']}"
        return PatchCase(url, url, {"notes": "first try"}, {"notes": "second try"}, headers)

    async def item() -> PatchCase:
        created = await run()
        url = f"{RUNS}/{created['id']}/items/{created['items'][0]['id']}"
        return PatchCase(url, f"{RUNS}/{created['id']}", {"quantity": 3}, {"quantity": 4}, headers)

    async def material() -> PatchCase:
        created = await run()
        url = f"{RUNS}/{created['id']}/materials/{created['materials'][0]['id']}"
        body, other = {"estimated_flush_grams": 2}, {"estimated_flush_grams": 1}
        return PatchCase(url, f"{RUNS}/{created['id']}", body, other, headers)

    await check_patch_preconditions(
        client,
        app,
        {
            "/api/v1/printers/{printer_id}": printer,
            f"{RUNS}/{{run_id}}": whole_run,
            f"{RUNS}/{{run_id}}/items/{{item_id}}": item,
            f"{RUNS}/{{run_id}}/materials/{{line_id}}": material,
        },
    )
