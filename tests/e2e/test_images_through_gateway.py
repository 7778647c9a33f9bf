"""Product images through the real gateway and catalog over HTTP: a multipart upload above the gateway's
default body limit streams through, content comes back with its ETag and caching headers (304 on
If-None-Match), and refused uploads leave the catalog's storage directory empty."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

import httpx
import pytest
from batchivo_common.testing.assertions import assert_error
from PIL import Image

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis, pytest.mark.timeout(120)]


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def owner_and_product(gateway: httpx.AsyncClient) -> tuple[dict[str, str], str]:
    r = await gateway.post(
        "/api/v1/auth/register",
        json={
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "password": "correct horse battery",
            "full_name": "Owner",
            "tenant_name": "Print Shop",
        },
    )
    assert r.status_code == 201, r.text
    owner = {"Authorization": f"Bearer {r.json()['access_token']}"}
    product = await gateway.post(
        "/api/v1/products", json={"sku": "PROD-001", "name": "Dragon"}, headers=owner
    )
    assert product.status_code == 201, product.text
    return owner, product.json()["id"]


async def test_upload_and_serve_through_the_gateway(
    gateway: httpx.AsyncClient, catalog_storage_root: Path
) -> None:
    owner, product_id = await owner_and_product(gateway)
    # Noise does not compress: a PNG of a few MiB, above the gateway's 1 MiB default body limit.
    noise = Image.frombytes("RGB", (1100, 1000), os.urandom(1100 * 1000 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert 2 * 1024 * 1024 < len(out.getvalue()) < 10 * 1024 * 1024
    url = f"/api/v1/products/{product_id}/images"
    uploaded = await gateway.post(
        url, files={"file": ("noise.png", out.getvalue(), "image/png")}, headers=owner
    )
    assert uploaded.status_code == 201, uploaded.text
    image = uploaded.json()
    assert (image["width"], image["height"], image["is_primary"]) == (1100, 1000, True)

    content = await gateway.get(image["content_url"], headers=owner)
    assert content.status_code == 200
    assert content.headers["etag"] == image["etag"]
    assert content.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert content.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(content.content)).size == (1100, 1000)
    cached = await gateway.get(image["content_url"], headers={**owner, "If-None-Match": image["etag"]})
    assert cached.status_code == 304 and cached.content == b""
    thumb = await gateway.get(image["thumbnail_url"], headers=owner)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/webp"

    before = len(stored_files(catalog_storage_root))
    pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
    refused = await gateway.post(url, files={"file": ("photo.jpg", pdf, "image/jpeg")}, headers=owner)
    assert_error(refused, 415, "UNSUPPORTED_MEDIA_TYPE")
    huge = {"file": ("big.jpg", b"\xff\xd8\xff" + b"\x00" * (13 * 1024 * 1024), "image/jpeg")}
    assert_error(await gateway.post(url, files=huge, headers=owner), 413, "PAYLOAD_TOO_LARGE")
    assert len(stored_files(catalog_storage_root)) == before

    assert (await gateway.delete(f"{url}/{image['id']}", headers=owner)).status_code == 204
    assert (await gateway.get(url, headers=owner)).json() == {"items": [], "total": 0}
