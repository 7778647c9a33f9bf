"""``Idempotency-Key`` on the catalog's POSTs (real PostgreSQL and Redis, ADR 0011): a retry with the same
key and body answers the first response and creates nothing again; another body with the key is 422."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as redis
from batchivo_catalog.settings import CatalogSettings
from batchivo_common.auth.tokens import Role

pytestmark = [pytest.mark.db, pytest.mark.redis]


@pytest.fixture(autouse=True)
async def idempotency_keys(catalog_settings: CatalogSettings) -> AsyncIterator[None]:
    yield
    client = redis.from_url(catalog_settings.redis_url)
    try:
        async for key in client.scan_iter(match=f"{catalog_settings.redis_prefix}idem:*"):
            await client.delete(key)
    finally:
        await client.aclose()


def keyed(tenant: Any, key: str | None = None, **kw: Any) -> dict[str, str]:
    return {**tenant.headers(**kw), "Idempotency-Key": key or str(uuid.uuid4())}


async def total(client: Any, tenant: Any, path: str) -> int:
    r = await client.get(path, headers=tenant.headers())
    assert r.status_code == 200, r.text
    result: int = r.json()["total"]
    return result


async def test_every_post_replays_and_acts_once(api, client) -> None:
    """Each POST route of the catalog, sent twice with one key: the same answer (replayed) and one effect."""
    t = api.tenant()
    fid = await api.filament(t)

    async def twice(path: str, body: dict[str, Any], *, role: Role = Role.member) -> dict[str, Any]:
        headers = keyed(t, role=role)
        first = await client.post(path, json=body, headers=headers)
        assert first.status_code in (200, 201), first.text
        second = await client.post(path, json=body, headers=headers)
        assert second.status_code == first.status_code
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        assert second.headers.get("location") == first.headers.get("location")
        result: dict[str, Any] = first.json()
        return result

    model = await twice("/api/v1/models", {"sku": "MOD-001", "name": "Dragon"})
    assert await total(client, t, "/api/v1/models") == 1
    mid = model["id"]
    after = await twice(f"/api/v1/models/{mid}/materials", {"filament_type_id": str(fid), "grams": 10})
    assert len(after["materials"]) == 1
    after = await twice(
        f"/api/v1/models/{mid}/components", {"name": "magnet", "quantity": 2, "unit_cost": 0.1}
    )
    assert len(after["components"]) == 1
    after = await twice(f"/api/v1/models/{mid}/stock-adjustments", {"delta": 5, "reason": "count"})
    assert after["units_in_stock"] == 5
    got = await client.get(f"/api/v1/models/{mid}", headers=t.headers())
    body = got.json()
    assert (len(body["materials"]), len(body["components"]), body["units_in_stock"]) == (1, 1, 5)

    product = await twice(
        "/api/v1/products", {"sku": "PROD-001", "name": "Box", "models": [{"model_id": mid}]}
    )
    assert await total(client, t, "/api/v1/products") == 1
    pid = product["id"]
    assembled = await twice(f"/api/v1/products/{pid}/assemble", {"quantity": 2})
    assert assembled["units_in_stock"] == 2
    adjusted = await twice(f"/api/v1/products/{pid}/stock-adjustments", {"delta": 1, "reason": "found"})
    assert adjusted["units_in_stock"] == 3
    model_now = (await client.get(f"/api/v1/models/{mid}", headers=t.headers())).json()
    assert model_now["units_in_stock"] == 3  # 5 - 2 assembled once
    moves = await client.get(f"/api/v1/products/{pid}/stock-movements", headers=t.headers())
    assert moves.json()["total"] == 2

    await twice(
        "/api/v1/sales-channels", {"name": "Etsy", "platform": "etsy", "fee_pct": 6.5}, role=Role.admin
    )
    assert await total(client, t, "/api/v1/sales-channels") == 1


async def test_the_same_key_with_another_body_is_422_and_changes_nothing(api, client) -> None:
    t = api.tenant()
    headers = keyed(t, "create-model-1")
    first = await client.post("/api/v1/models", json={"sku": "MOD-001", "name": "A"}, headers=headers)
    assert first.status_code == 201, first.text
    api.error(
        await client.post("/api/v1/models", json={"sku": "MOD-002", "name": "B"}, headers=headers),
        422,
        "IDEMPOTENCY_KEY_REUSED",
    )
    assert await total(client, t, "/api/v1/models") == 1
    # The same key on another model's stock is another request too.
    other = await api.model(t, sku="MOD-003")
    adjust = keyed(t, "adjust-1")
    r = await client.post(
        f"/api/v1/models/{first.json()['id']}/stock-adjustments",
        json={"delta": 1, "reason": "x"},
        headers=adjust,
    )
    assert r.status_code == 200, r.text
    api.error(
        await client.post(
            f"/api/v1/models/{other['id']}/stock-adjustments",
            json={"delta": 1, "reason": "x"},
            headers=adjust,
        ),
        422,
        "IDEMPOTENCY_KEY_REUSED",
    )
    got = await client.get(f"/api/v1/models/{other['id']}", headers=t.headers())
    assert got.json()["units_in_stock"] == 0


async def test_a_refused_assembly_releases_the_key_and_tenants_do_not_share_keys(api, client) -> None:
    t, other = api.tenant(), api.tenant()
    model = await api.model(t)
    product = await api.product(t, models=[{"model_id": model["id"]}])
    url = f"/api/v1/products/{product['id']}/assemble"
    headers = keyed(t, "assemble-1")
    # 409 INSUFFICIENT_STOCK depends on state outside the request: the claim is released, not kept.
    api.error(await client.post(url, json={"quantity": 1}, headers=headers), 409, "INSUFFICIENT_STOCK")
    r = await client.post(
        f"/api/v1/models/{model['id']}/stock-adjustments",
        json={"delta": 1, "reason": "x"},
        headers=t.headers(),
    )
    assert r.status_code == 200
    done = await client.post(url, json={"quantity": 1}, headers=headers)
    assert done.status_code == 200, done.text
    assert "idempotent-replayed" not in done.headers
    assert done.json()["units_in_stock"] == 1
    # Another tenant with the same key and body runs its own request.
    r = await client.post("/api/v1/models", json={"sku": "MOD-X", "name": "X"}, headers=keyed(other, "k"))
    r2 = await client.post("/api/v1/models", json={"sku": "MOD-X", "name": "X"}, headers=keyed(t, "k"))
    assert r.status_code == r2.status_code == 201 and r.json()["id"] != r2.json()["id"]
    api.error(
        await client.post("/api/v1/models", json={"sku": "MOD-Y", "name": "Y"}, headers=keyed(t, " ")), 422
    )


async def test_an_image_upload_retried_with_its_key_stores_one_image(api, client) -> None:
    """The multipart upload is keyed like the JSON POSTs: the retry replays the first answer, one image."""
    import io

    from PIL import Image

    t = api.tenant()
    product = await api.product(t)
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "blue").save(buffer, "PNG")
    path = f"/api/v1/products/{product['id']}/images"
    headers = keyed(t)
    files = {"file": ("blue.png", buffer.getvalue(), "image/png")}
    first = await client.post(path, files=files, headers=headers)
    assert first.status_code == 201, first.text
    second = await client.post(path, files=files, headers=headers)
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert await total(client, t, path) == 1
