"""``/api/v1/categories``: names with product counts per tenant, rename and merge, roles, bad input."""

from __future__ import annotations

import json

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db


async def categories(client, tenant) -> list[tuple[str, int]]:
    r = await client.get("/api/v1/categories", headers=tenant.headers(Role.viewer))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return [(c["name"], c["product_count"]) for c in body["items"]]


async def product_categories(client, tenant, product_id: str) -> list[str]:
    r = await client.get(f"/api/v1/products/{product_id}", headers=tenant.headers())
    assert r.status_code == 200, r.text
    result: list[str] = r.json()["categories"]
    return result


async def test_names_with_counts_of_the_tenant_only(api, client) -> None:
    t, other = api.tenant(), api.tenant()
    assert await categories(client, t) == []
    await api.product(t, categories=["gifts", "boxes"])
    await api.product(t, categories=["gifts"])
    await api.product(t)
    await api.product(other, categories=["secret"])
    assert await categories(client, t) == [("boxes", 1), ("gifts", 2)]
    assert await categories(client, other) == [("secret", 1)]


async def test_rename_changes_every_product_and_publishes_it(api, client, admin_conn) -> None:
    t = api.tenant()
    a = await api.product(t, categories=["gifts", "boxes"])
    b = await api.product(t, categories=["boxes"])
    c = await api.product(t, categories=["small"])
    r = await client.patch("/api/v1/categories/boxes", json={"name": " crates "}, headers=t.headers())
    assert r.status_code == 200, r.text
    assert r.json() == {"name": "crates", "product_count": 2, "renamed_products": 2, "merged": False}
    assert await product_categories(client, t, a["id"]) == ["gifts", "crates"]
    assert await product_categories(client, t, b["id"]) == ["crates"]
    assert await product_categories(client, t, c["id"]) == ["small"]
    assert await categories(client, t) == [("crates", 2), ("gifts", 1), ("small", 1)]
    after = await client.get(f"/api/v1/products/{a['id']}", headers=t.headers())
    assert after.json()["version"] == a["version"] + 1
    rows = await admin_conn.fetch(
        "select envelope::text from catalog.outbox"
        " where event_type = 'catalog.product.updated.v1' and envelope->>'aggregate_id' = $1",
        a["id"],
    )
    versions = [json.loads(row[0])["aggregate_version"] for row in rows]
    assert versions == [a["version"] + 1]


async def test_renaming_to_a_name_in_use_merges(api, client) -> None:
    t = api.tenant()
    both = await api.product(t, categories=["boxes", "small", "gifts"])
    only = await api.product(t, categories=["gifts"])
    r = await client.patch("/api/v1/categories/gifts", json={"name": "boxes"}, headers=t.headers())
    assert r.status_code == 200, r.text
    assert r.json() == {"name": "boxes", "product_count": 2, "renamed_products": 2, "merged": True}
    assert await product_categories(client, t, both["id"]) == ["boxes", "small"]
    assert await product_categories(client, t, only["id"]) == ["boxes"]
    assert await categories(client, t) == [("boxes", 2), ("small", 1)]


async def test_unknown_bad_names_and_roles(api, client) -> None:
    t, other = api.tenant(), api.tenant()
    p = await api.product(t, categories=["gifts"])
    api.error(await client.patch("/api/v1/categories/nope", json={"name": "x"}, headers=t.headers()), 404)
    # Another shop's category is unknown here.
    api.error(
        await client.patch("/api/v1/categories/gifts", json={"name": "x"}, headers=other.headers()), 404
    )
    for body in ({"name": ""}, {"name": "   "}, {"name": "x" * 65}, {}, {"name": "x", "extra": 1}):
        api.error(await client.patch("/api/v1/categories/gifts", json=body, headers=t.headers()), 422)
    api.error(
        await client.patch(f"/api/v1/categories/{'x' * 65}", json={"name": "y"}, headers=t.headers()), 422
    )
    api.error(
        await client.patch(
            "/api/v1/categories/gifts",
            content=b"{not json",
            headers={**t.headers(), "content-type": "application/json"},
        ),
        422,
    )
    api.error(
        await client.patch("/api/v1/categories/gifts", json={"name": "x"}, headers=t.headers(Role.viewer)),
        403,
    )
    api.error(await client.get("/api/v1/categories"), 401)
    assert await product_categories(client, t, p["id"]) == ["gifts"]
