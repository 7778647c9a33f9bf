"""Product images over HTTP, with a real PostgreSQL and real storage: a local directory, and S3 over the
wire against moto's server on loopback. Refused uploads must leave nothing stored in either."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from batchivo_catalog.images import rules
from batchivo_common.auth.tokens import Role
from batchivo_common.storage import LocalStorage, S3Storage, Storage, StorageSettings, create_storage
from fastapi import FastAPI
from PIL import Image

pytestmark = pytest.mark.db


def picture(size: tuple[int, int] = (640, 480), fmt: str = "JPEG", color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


@pytest.fixture(params=["local", "s3"])
async def storage(request: pytest.FixtureRequest, app: FastAPI, tmp_path: Path) -> AsyncIterator[Storage]:
    """The app's storage for one test: a fresh directory or a fresh bucket."""
    if request.param == "local":
        store: Storage = LocalStorage(tmp_path / "objects")
    else:
        settings: StorageSettings = request.getfixturevalue("s3_settings")
        store = create_storage(settings)
    await store.ensure_ready()
    previous = app.state.storage
    app.state.storage = store
    try:
        yield store
    finally:
        app.state.storage = previous


@pytest.fixture
async def local_storage(app: FastAPI, tmp_path: Path) -> AsyncIterator[Storage]:
    store = LocalStorage(tmp_path / "objects")
    previous, app.state.storage = app.state.storage, store
    try:
        yield store
    finally:
        app.state.storage = previous


def images_url(product_id: str) -> str:
    return f"/api/v1/products/{product_id}/images"


async def upload(
    client: httpx.AsyncClient,
    tenant: Any,
    product_id: str,
    data: bytes,
    *,
    name: str = "photo.jpg",
    content_type: str = "image/jpeg",
    role: Role = Role.member,
    alt_text: str | None = None,
) -> httpx.Response:
    form = {"alt_text": alt_text} if alt_text is not None else None
    return await client.post(
        images_url(product_id),
        files={"file": (name, data, content_type)},
        data=form,
        headers=tenant.headers(role),
    )


async def test_upload_list_get_and_serve_with_caching_headers(api, client, storage: Storage) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    created = await upload(client, tenant, product["id"], picture((5000, 2000)), alt_text="Front")
    assert created.status_code == 201, created.text
    image = created.json()
    assert image["is_primary"] is True and image["position"] == 0
    assert (image["width"], image["height"], image["content_type"]) == (4096, 1638, "image/jpeg")
    assert (image["alt_text"], image["original_filename"]) == ("Front", "photo.jpg")
    assert created.headers["location"] == f"{images_url(product['id'])}/{image['id']}"
    keys = await storage.list_keys()
    assert keys == sorted(
        [
            f"{tenant.id}/products/{product['id']}/{image['id']}.jpg",
            f"{tenant.id}/products/{product['id']}/{image['id']}.thumb.webp",
        ]
    )

    listed = await client.get(images_url(product["id"]), headers=tenant.headers(Role.viewer))
    assert listed.status_code == 200
    assert listed.json()["total"] == 1 and listed.json()["items"][0] == image
    got = await client.get(f"{images_url(product['id'])}/{image['id']}", headers=tenant.headers(Role.viewer))
    assert got.json() == image

    content = await client.get(image["content_url"], headers=tenant.headers(Role.viewer))
    assert content.status_code == 200
    assert content.headers["content-type"] == "image/jpeg"
    assert content.headers["etag"] == image["etag"]
    assert content.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert len(content.content) == image["size_bytes"]
    assert Image.open(io.BytesIO(content.content)).size == (4096, 1638)

    again = await client.get(
        image["content_url"], headers={**tenant.headers(Role.viewer), "If-None-Match": image["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == image["etag"]
    stale = await client.get(image["content_url"], headers={**tenant.headers(), "If-None-Match": '"other"'})
    assert stale.status_code == 200

    thumb = await client.get(image["thumbnail_url"], headers=tenant.headers(Role.viewer))
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(thumb.content)).size == (400, 400)
    assert thumb.headers["etag"] != image["etag"]
    cached = await client.get(
        image["thumbnail_url"], headers={**tenant.headers(), "If-None-Match": thumb.headers["etag"]}
    )
    assert cached.status_code == 304


async def test_metadata_is_stripped_from_what_is_served(api, client, local_storage) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    out = io.BytesIO()
    Image.new("RGB", (50, 50)).save(out, "JPEG", exif=exif.tobytes())
    image = (await upload(client, tenant, product["id"], out.getvalue())).json()
    served = await client.get(image["content_url"], headers=tenant.headers())
    assert b"SpyCam" not in served.content


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")
    return out.getvalue()


REFUSED = {
    "renamed-pdf": (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    "too-big": (b"\xff\xd8\xff" + b"\x00" * rules.MAX_UPLOAD_BYTES, 413, "PAYLOAD_TOO_LARGE"),
    "empty": (b"", 422, "EMPTY_FILE"),
    "bomb": (_bomb(), 422, "IMAGE_TOO_LARGE"),
    "truncated": (picture()[:300], 422, "INVALID_IMAGE"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
async def test_refused_uploads_store_nothing(api, client, admin_conn, storage: Storage, case: str) -> None:
    data, status, code = REFUSED[case]
    tenant = api.tenant()
    product = await api.product(tenant)
    response = await upload(client, tenant, product["id"], data, name="catalog.png", content_type="image/png")
    api.error(response, status, code)
    assert await storage.list_keys() == []
    assert await admin_conn.fetchval("select count(*) from catalog.product_images") == 0


async def test_a_body_over_the_route_limit_is_refused_before_the_route(api, client, local_storage) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    huge = b"\x00" * (12 * 1024 * 1024 + 1)
    api.error(await upload(client, tenant, product["id"], huge), 413, "PAYLOAD_TOO_LARGE")
    # The larger limit is the upload route's only: other product routes keep the default.
    two_mib = {"sku": "PROD-X", "name": "n", "description": "x" * (2 * 1024 * 1024)}
    api.error(await client.post("/api/v1/products", json=two_mib, headers=tenant.headers()), 413)
    assert await local_storage.list_keys() == []


async def test_at_most_twenty_images_per_product(api, client, admin_conn, local_storage) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    small = picture((20, 20), "PNG")
    for _ in range(rules.MAX_IMAGES_PER_PRODUCT):
        assert (await upload(client, tenant, product["id"], small, name="a.png")).status_code == 201
    api.error(await upload(client, tenant, product["id"], small), 409, "TOO_MANY_IMAGES")
    assert len(await local_storage.list_keys()) == 2 * rules.MAX_IMAGES_PER_PRODUCT
    assert await admin_conn.fetchval("select count(*) from catalog.product_images") == 20


async def test_primary_order_and_delete(api, client, storage: Storage) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    url = images_url(product["id"])
    ids = []
    for color in ("red", "green", "blue"):
        response = await upload(
            client, tenant, product["id"], picture((30, 30), "WEBP", color), name="x.webp"
        )
        assert response.status_code == 201, response.text
        assert response.json()["content_type"] == "image/webp"
        ids.append(response.json()["id"])
    a, b, c = ids

    def state(body: dict[str, Any]) -> list[tuple[str, int, bool]]:
        return [(i["id"], i["position"], i["is_primary"]) for i in body["items"]]

    listed = (await client.get(url, headers=tenant.headers())).json()
    assert state(listed) == [(a, 0, True), (b, 1, False), (c, 2, False)]

    patched = await client.patch(
        f"{url}/{c}", json={"is_primary": True, "alt_text": "Side"}, headers=tenant.headers()
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["is_primary"], patched.json()["alt_text"]) == (True, "Side")
    cleared = await client.patch(f"{url}/{c}", json={"alt_text": None}, headers=tenant.headers())
    assert cleared.json()["alt_text"] is None and cleared.json()["is_primary"] is True
    api.error(await client.patch(f"{url}/{c}", json={"is_primary": False}, headers=tenant.headers()), 422)
    api.error(await client.patch(f"{url}/{c}", json={"alt_text": "x" * 501}, headers=tenant.headers()), 422)

    reordered = await client.put(f"{url}/order", json={"image_ids": [c, a, b]}, headers=tenant.headers())
    assert reordered.status_code == 200, reordered.text
    assert state(reordered.json()) == [(c, 0, True), (a, 1, False), (b, 2, False)]
    for bad in ([c, a], [c, a, a], [c, a, b, str(uuid.uuid4())], [c, a, str(uuid.uuid4())]):
        api.error(await client.put(f"{url}/order", json={"image_ids": bad}, headers=tenant.headers()), 422)
    assert state((await client.get(url, headers=tenant.headers())).json()) == [
        (c, 0, True),
        (a, 1, False),
        (b, 2, False),
    ]

    # Deleting the primary promotes the next one; positions close up; its bytes leave the storage.
    deleted = await client.delete(f"{url}/{c}", headers=tenant.headers())
    assert deleted.status_code == 204
    assert state((await client.get(url, headers=tenant.headers())).json()) == [(a, 0, True), (b, 1, False)]
    assert not [k for k in await storage.list_keys() if c in k]
    assert len(await storage.list_keys()) == 4
    api.error(await client.get(f"{url}/{c}/content", headers=tenant.headers()), 404)
    api.error(await client.delete(f"{url}/{c}", headers=tenant.headers()), 404)

    assert (await client.delete(f"{url}/{b}", headers=tenant.headers())).status_code == 204
    assert state((await client.get(url, headers=tenant.headers())).json()) == [(a, 0, True)]
    assert (await client.delete(f"{url}/{a}", headers=tenant.headers())).status_code == 204
    assert (await client.get(url, headers=tenant.headers())).json() == {"items": [], "total": 0}
    assert await storage.list_keys() == []
    # The next upload becomes primary again.
    again = await upload(client, tenant, product["id"], picture((10, 10)))
    assert again.json()["is_primary"] is True and again.json()["position"] == 0


async def test_viewers_cannot_write(api, client, local_storage) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    url = images_url(product["id"])
    image = (await upload(client, tenant, product["id"], picture((10, 10)))).json()
    viewer = tenant.headers(Role.viewer)
    api.error(await upload(client, tenant, product["id"], picture((10, 10)), role=Role.viewer), 403)
    api.error(await client.patch(f"{url}/{image['id']}", json={"alt_text": "x"}, headers=viewer), 403)
    api.error(await client.put(f"{url}/order", json={"image_ids": [image["id"]]}, headers=viewer), 403)
    api.error(await client.delete(f"{url}/{image['id']}", headers=viewer), 403)
    assert len(await local_storage.list_keys()) == 2
    assert (await client.get(f"{url}/{image['id']}/content", headers=viewer)).status_code == 200


async def test_another_tenants_ids_are_not_found(api, client, local_storage) -> None:
    owner, other = api.tenant(), api.tenant()
    product = await api.product(owner)
    own_product = await api.product(other)
    url = images_url(product["id"])
    image = (await upload(client, owner, product["id"], picture((10, 10)))).json()
    h = other.headers(Role.admin)
    api.error(await client.get(url, headers=h), 404)
    api.error(await upload(client, other, product["id"], picture((10, 10)), role=Role.admin), 404)
    for path in ("", "/content", "/thumbnail"):
        api.error(await client.get(f"{url}/{image['id']}{path}", headers=h), 404)
        # The image id under the other tenant's own product is not found either.
        api.error(await client.get(f"{images_url(own_product['id'])}/{image['id']}{path}", headers=h), 404)
    api.error(await client.patch(f"{url}/{image['id']}", json={"alt_text": "x"}, headers=h), 404)
    api.error(await client.put(f"{url}/order", json={"image_ids": [image["id"]]}, headers=h), 404)
    api.error(await client.delete(f"{url}/{image['id']}", headers=h), 404)
    api.error(await client.get(images_url(str(uuid.uuid4())), headers=h), 404)
    assert len(await local_storage.list_keys()) == 2
    assert (await client.get(url, headers=owner.headers())).json()["total"] == 1


async def test_a_storage_outage_answers_503_and_keeps_no_row(api, client, app, admin_conn) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    previous = app.state.storage
    app.state.storage = S3Storage("127.0.0.1:1", "k", "s", "bucket", secure=False, region="us-east-1")
    try:
        api.error(await upload(client, tenant, product["id"], picture((10, 10))), 503)
    finally:
        app.state.storage = previous
    assert await admin_conn.fetchval("select count(*) from catalog.product_images") == 0


async def test_deleting_a_product_deletes_its_images_rows_and_bytes(
    api, client, admin_conn, local_storage
) -> None:
    tenant = api.tenant()
    product, kept = await api.product(tenant), await api.product(tenant, sku="KEPT-1")
    await upload(client, tenant, product["id"], picture((10, 10)))
    await upload(client, tenant, product["id"], picture((12, 12)))
    await upload(client, tenant, kept["id"], picture((10, 10)))
    assert len(await local_storage.list_keys()) == 6  # image and thumbnail each
    # A bundle holding the product: the delete is refused (409) and every row and byte stays.
    bundle = await api.product(tenant, sku="BUNDLE-1", children=[{"product_id": product["id"]}])
    refused = await client.delete(f"/api/v1/products/{product['id']}", headers=tenant.headers(Role.admin))
    api.error(refused, 409, "IN_USE")
    assert len(await local_storage.list_keys()) == 6
    assert await admin_conn.fetchval("select count(*) from catalog.product_images") == 3

    gone = await client.delete(f"/api/v1/products/{bundle['id']}", headers=tenant.headers(Role.admin))
    assert gone.status_code == 204, gone.text
    deleted = await client.delete(f"/api/v1/products/{product['id']}", headers=tenant.headers(Role.admin))
    assert deleted.status_code == 204, deleted.text
    assert await admin_conn.fetchval("select count(*) from catalog.product_images") == 1
    keys = await local_storage.list_keys()
    assert len(keys) == 2 and all(k.startswith(f"{tenant.id}/products/{kept['id']}/") for k in keys), keys


async def test_text_postgresql_cannot_store_is_refused_in_form_fields(api, client, local_storage) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    bad = await upload(client, tenant, product["id"], picture((10, 10)), alt_text="a\x00b")
    api.error(bad, 422, "VALIDATION_ERROR")
    assert await local_storage.list_keys() == []
    # The client's file name is kept for display only: its base name, never a path.
    named = await upload(client, tenant, product["id"], picture((10, 10)), name="..\\..\\etc/x.jpg")
    assert named.status_code == 201, named.text
    assert named.json()["original_filename"] == "x.jpg"
    assert all(
        k.startswith(f"{tenant.id}/products/{product['id']}/") for k in await local_storage.list_keys()
    )


async def test_concurrent_uploads_cannot_pass_the_maximum(api, client, admin_conn, local_storage) -> None:
    tenant = api.tenant()
    product = await api.product(tenant)
    small = picture((16, 16), "PNG")
    for _ in range(rules.MAX_IMAGES_PER_PRODUCT - 1):
        assert (await upload(client, tenant, product["id"], small, name="a.png")).status_code == 201
    answers = await asyncio.gather(
        *(upload(client, tenant, product["id"], small, name="b.png") for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    positions = await admin_conn.fetch(
        "select position from catalog.product_images where product_id = $1 order by position",
        uuid.UUID(product["id"]),
    )
    assert [r[0] for r in positions] == list(range(rules.MAX_IMAGES_PER_PRODUCT))
    assert len(await local_storage.list_keys()) == 2 * rules.MAX_IMAGES_PER_PRODUCT
