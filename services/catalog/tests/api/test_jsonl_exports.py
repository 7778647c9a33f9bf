"""Models and products as JSON Lines with cursor pages, against the real database: every row once and in
order while rows are added, the fields of the API's read, tampered cursors, tenancy."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

EXPORT = "/api/v1/catalog/export"


def _lines(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


async def _all(client, path: str, headers: dict[str, str], limit: int) -> tuple[list[dict[str, Any]], int]:
    rows: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": limit}
    pages = 0
    while True:
        response = await client.get(path, params=params, headers=headers)
        rows += _lines(response)
        pages += 1
        cursor = response.headers.get("x-next-cursor")
        if cursor is None:
            return rows, pages
        params = {"limit": limit, "cursor": cursor}


async def test_models_page_by_1000_through_2500_each_once_in_order(api, client, admin_conn) -> None:
    a, b = api.tenant(), api.tenant()
    fid = await api.filament(a)
    template = await api.model(a, materials=[{"filament_type_id": str(fid), "grams": 12}])
    # 2,499 copies of it, in one statement (as many rows through the API would take minutes)
    columns = [
        r["column_name"]
        for r in await admin_conn.fetch(
            "select column_name from information_schema.columns where table_schema = 'catalog'"
            " and table_name = 'models' and is_generated = 'NEVER' order by ordinal_position"
        )
    ]
    copied = ", ".join({"id": "gen_random_uuid()", "sku": "'BULK-' || g"}.get(c, f"m.{c}") for c in columns)
    await admin_conn.execute(
        f"insert into catalog.models ({', '.join(columns)}) select {copied}"
        " from catalog.models m, generate_series(1, 2499) g where m.id = $1",
        uuid.UUID(template["id"]),
    )
    await api.model(b)
    expected = [
        str(r["id"])
        for r in await admin_conn.fetch(
            "select id from catalog.models where tenant_id = $1 order by created_at, id", a.id
        )
    ]
    first = await client.get(f"{EXPORT}/models.jsonl?limit=1000", headers=a.headers(Role.viewer))
    page = _lines(first)
    assert [m["id"] for m in page] == expected[:1000]
    # rows added while paging: one sorting before the cursor (an offset would repeat a row), one after
    early = await api.model(a)
    await admin_conn.execute(
        "update catalog.models set created_at = '2001-01-01Z' where id = $1", uuid.UUID(early["id"])
    )
    late = await api.model(a)
    seen = [m["id"] for m in page]
    lines = {m["id"]: m for m in page}
    cursor: str | None = first.headers["x-next-cursor"]
    while cursor:
        response = await client.get(
            f"{EXPORT}/models.jsonl", params={"limit": 1000, "cursor": cursor}, headers=a.headers()
        )
        more = _lines(response)
        seen += [m["id"] for m in more]
        lines.update((m["id"], m) for m in more)
        cursor = response.headers.get("x-next-cursor")
    assert lines[template["id"]]["materials"][0]["grams"] == 12
    assert len(seen) == len(set(seen)) == 2501
    assert seen == [*expected, late["id"]]
    for one in page[:3]:  # the fields and values of the model's own read (the template has a BOM line)
        assert one == (await client.get(f"/api/v1/models/{one['id']}", headers=a.headers())).json()
    assert {
        m["id"] for m in _lines(await client.get(f"{EXPORT}/models.jsonl", headers=b.headers()))
    }.isdisjoint(expected)


async def test_products_export_with_the_reads_fields_cursor_checks_and_tenancy(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    model = await api.model(a)
    made = [await api.product(a, models=[{"model_id": model["id"], "quantity": 2}]) for _ in range(5)]
    await api.product(b)
    rows, pages = await _all(client, f"{EXPORT}/products.jsonl", a.headers(Role.viewer), limit=2)
    assert pages == 3
    assert [p["id"] for p in rows] == [p["id"] for p in made]
    assert rows[0] == (await client.get(f"/api/v1/products/{made[0]['id']}", headers=a.headers())).json()
    other, _ = await _all(client, f"{EXPORT}/products.jsonl", b.headers(), limit=10)
    assert len(other) == 1 and other[0]["id"] not in {p["id"] for p in made}

    first = await client.get(f"{EXPORT}/products.jsonl?limit=1", headers=a.headers())
    cursor = first.headers["x-next-cursor"]
    assert first.headers["link"].endswith('; rel="next"') and cursor in first.headers["link"]
    for bad in (cursor[:-3], cursor + "A", "e30"):
        api.error(
            await client.get(f"{EXPORT}/products.jsonl", params={"cursor": bad}, headers=a.headers()),
            400,
            "INVALID_CURSOR",
        )
    # a products cursor is not a models cursor
    api.error(
        await client.get(f"{EXPORT}/models.jsonl", params={"cursor": cursor}, headers=a.headers()),
        400,
        "INVALID_CURSOR",
    )
    api.error(await client.get(f"{EXPORT}/products.jsonl?limit=10001", headers=a.headers()), 422)
