"""ETag / If-Match on every PATCH of the catalog service (docs/api.md): a model's material and
component lines are guarded by the model's ETag. The PATCH routes come from the OpenAPI, so a new one
fails here until it is guarded and has a case."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from batchivo_common.auth.tokens import Role
from batchivo_common.storage import LocalStorage
from batchivo_common.testing.etags import PatchCase, check_patch_preconditions
from fastapi import FastAPI
from PIL import Image

pytestmark = pytest.mark.db


@pytest.fixture
async def local_storage(app: FastAPI, tmp_path: Path) -> AsyncIterator[None]:
    previous, app.state.storage = app.state.storage, LocalStorage(tmp_path / "objects")
    try:
        yield
    finally:
        app.state.storage = previous


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, format="JPEG")
    return buffer.getvalue()


async def test_every_patch_refuses_a_stale_etag(
    client: httpx.AsyncClient, app: FastAPI, api: Any, local_storage: None
) -> None:
    t = api.tenant()
    headers = t.headers(Role.admin)
    pla = await api.filament(t)

    async def model() -> PatchCase:
        url = f"/api/v1/models/{(await api.model(t))['id']}"
        return PatchCase(url, url, {"description": "big"}, {"description": "small"}, headers)

    async def model_material() -> PatchCase:
        created = await api.model(t, materials=[{"filament_type_id": str(pla), "grams": 100}])
        url = f"/api/v1/models/{created['id']}"
        return PatchCase(
            f"{url}/materials/{created['materials'][0]['id']}", url, {"grams": 50}, {"grams": 60}, headers
        )

    async def model_component() -> PatchCase:
        created = await api.model(t, components=[{"name": "magnet", "quantity": 1, "unit_cost": 3}])
        url = f"/api/v1/models/{created['id']}"
        line = f"{url}/components/{created['components'][0]['id']}"
        return PatchCase(line, url, {"quantity": 2}, {"quantity": 3}, headers)

    async def product() -> PatchCase:
        url = f"/api/v1/products/{(await api.product(t))['id']}"
        return PatchCase(url, url, {"description": "gift box"}, {"description": "plain box"}, headers)

    async def channel() -> PatchCase:
        created = await client.post("/api/v1/sales-channels", json={"name": "Etsy"}, headers=headers)
        assert created.status_code == 201, created.text
        url = f"/api/v1/sales-channels/{created.json()['id']}"
        return PatchCase(url, url, {"fee_pct": 6.5}, {"fee_pct": 7}, headers)

    async def image() -> PatchCase:
        product_id = (await api.product(t))["id"]
        created = await client.post(
            f"/api/v1/products/{product_id}/images",
            files={"file": ("p.jpg", jpeg(), "image/jpeg")},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        url = f"/api/v1/products/{product_id}/images/{created.json()['id']}"
        return PatchCase(url, url, {"alt_text": "front"}, {"alt_text": "back"}, headers)

    async def settings() -> PatchCase:
        url = "/api/v1/catalog/settings"
        return PatchCase(url, url, {"overhead_pct": 5}, {"overhead_pct": 6}, headers)

    await check_patch_preconditions(
        client,
        app,
        {
            "/api/v1/models/{model_id}": model,
            "/api/v1/models/{model_id}/materials/{line_id}": model_material,
            "/api/v1/models/{model_id}/components/{line_id}": model_component,
            "/api/v1/products/{product_id}": product,
            "/api/v1/sales-channels/{channel_id}": channel,
            "/api/v1/products/{product_id}/images/{image_id}": image,
            "/api/v1/catalog/settings": settings,
        },
        not_versioned={
            # A category is a label on products, not a resource with a version: the rename moves every
            # product carrying it on (their ETags change), and renaming to a name in use merges.
            "/api/v1/categories/{name}": "a label on products, not a versioned resource",
        },
    )


async def test_the_first_change_of_the_settings_is_guarded_too(client: httpx.AsyncClient, api: Any) -> None:
    """Before its first change a shop's settings row does not exist: it reads as version 1, and the first
    PATCH with that tag creates it (locked), so a second writer with the same tag is refused."""
    t = api.tenant()
    headers = t.headers(Role.admin)
    read = await client.get("/api/v1/catalog/settings", headers=headers)
    tag = read.headers["etag"]
    assert tag == f'"{t.id}-1"'
    first = await client.patch(
        "/api/v1/catalog/settings", json={"overhead_pct": 3}, headers={**headers, "If-Match": tag}
    )
    assert first.status_code == 200, first.text
    second = await client.patch(
        "/api/v1/catalog/settings", json={"overhead_pct": 9}, headers={**headers, "If-Match": tag}
    )
    api.error(second, 412, "PRECONDITION_FAILED")
    assert (await client.get("/api/v1/catalog/settings", headers=headers)).json()["overhead_pct"] == 3
