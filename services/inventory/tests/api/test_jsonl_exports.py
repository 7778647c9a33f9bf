"""JSON Lines exports with cursor pages against the real database: every row exactly once and in order
while rows are added during the paging (keyset, not offset), tampered cursors, tenancy."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

EXPORT = "/api/v1/inventory/export"


def _lines(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert response.text == "" or response.text.endswith("\n")
    return [json.loads(line) for line in response.text.splitlines()]


async def _import(client, tenant, count: int, prefix: str) -> None:
    lines = ["external_id,material,brand,color_name,initial_weight,location"]
    lines += [f"{prefix}{i},PLA,Acme,Red,1000,Shelf {i % 4}" for i in range(count)]
    response = await client.post(
        "/api/v1/inventory/import/spools",
        files={"file": ("s.csv", ("\n".join(lines) + "\n").encode(), "text/csv")},
        headers=tenant.headers(),
    )
    assert response.json()["created"] == count, response.text


async def test_paging_2500_spools_by_1000_gives_each_once_in_order_while_rows_are_added(
    api, client, admin_conn
) -> None:
    a, b = api.tenant(), api.tenant()
    await _import(client, a, 2500, "a")
    await _import(client, b, 3, "b")
    expected = [
        str(r["id"])
        for r in await admin_conn.fetch(
            "select id from inventory.spools where tenant_id = $1 order by created_at, id", a.id
        )
    ]
    assert len(expected) == 2500

    first = await client.get(f"{EXPORT}/spools.jsonl?limit=1000", headers=a.headers(Role.viewer))
    page = _lines(first)
    assert [s["id"] for s in page] == expected[:1000]
    cursor = first.headers["x-next-cursor"]
    assert (
        first.headers["link"]
        == f'</api/v1/inventory/export/spools.jsonl?limit=1000&cursor={cursor}>; rel="next"'
    )
    # a line has exactly the fields of the spool's own read
    one = (await client.get(f"/api/v1/spools/{page[0]['id']}", headers=a.headers())).json()
    assert page[0] == one

    # While the client pages: a spool created now (sorts last), and one whose key sorts before the
    # cursor (a late-committing transaction). An offset would now repeat a row of page one.
    late = await api.spool(a)
    early = await api.spool(a)
    await admin_conn.execute(
        "update inventory.spools set created_at = '2001-01-01T00:00:00Z' where id = $1",
        uuid.UUID(early["id"]),
    )
    seen = [s["id"] for s in page]
    link = first.headers["link"]
    pages = 1
    while link:
        path = link[1 : link.index(">")]
        response = await client.get(path, headers=a.headers(Role.viewer))
        seen += [s["id"] for s in _lines(response)]
        link = response.headers.get("link")
        pages += 1
        if link:
            assert response.headers["x-next-cursor"] in link
    assert pages == 3
    assert len(seen) == len(set(seen))  # nothing twice
    assert seen == [*expected, late["id"]]  # every row, in order; the new one at the end
    assert early["id"] not in seen  # before the cursor when it was inserted: not in a later page
    # one page larger than a database read (1,000 rows): read in batches, still in order, ends the walk
    whole = await client.get(f"{EXPORT}/spools.jsonl?limit=5000", headers=a.headers())
    assert [s["id"] for s in _lines(whole)] == [early["id"], *expected, late["id"]]
    assert "x-next-cursor" not in whole.headers

    # another tenant sees only its own spools, with or without A's cursor
    own = _lines(await client.get(f"{EXPORT}/spools.jsonl", headers=b.headers(Role.viewer)))
    assert len(own) == 3 and not set(expected) & {s["id"] for s in own}
    with_a_cursor = await client.get(f"{EXPORT}/spools.jsonl", params={"cursor": cursor}, headers=b.headers())
    assert not set(expected) & {s["id"] for s in _lines(with_a_cursor)}


async def test_the_last_page_has_no_cursor_and_filters_apply(api, client) -> None:
    a = api.tenant()
    await _import(client, a, 10, "x")
    response = await client.get(f"{EXPORT}/spools.jsonl?limit=10&location=Shelf 1", headers=a.headers())
    rows = _lines(response)
    assert len(rows) == 3 and {r["location"] for r in rows} == {"Shelf 1"}
    assert "x-next-cursor" not in response.headers and "link" not in response.headers
    exact = await client.get(f"{EXPORT}/spools.jsonl?limit=10", headers=a.headers())
    assert len(_lines(exact)) == 10 and "x-next-cursor" not in exact.headers  # exactly limit rows left
    nine = await client.get(f"{EXPORT}/spools.jsonl?limit=9", headers=a.headers())
    rest = await client.get(
        f"{EXPORT}/spools.jsonl",
        params={"limit": 9, "cursor": nine.headers["x-next-cursor"]},
        headers=a.headers(),
    )
    assert len(_lines(nine)) == 9 and len(_lines(rest)) == 1 and "x-next-cursor" not in rest.headers
    empty = await client.get(f"{EXPORT}/spools.jsonl", headers=api.tenant().headers())
    assert _lines(empty) == [] and "x-next-cursor" not in empty.headers


async def test_a_tampered_or_foreign_cursor_is_400_and_limits_are_checked(api, client) -> None:
    a = api.tenant()
    await _import(client, a, 3, "t")
    first = await client.get(f"{EXPORT}/spools.jsonl?limit=1", headers=a.headers())
    cursor = first.headers["x-next-cursor"]
    for bad in (cursor[:-2], cursor + "x", "bm90IGEgY3Vyc29y", cursor.swapcase()):
        response = await client.get(f"{EXPORT}/spools.jsonl", params={"cursor": bad}, headers=a.headers())
        api.error(response, 400, "INVALID_CURSOR")
    # the spools export's cursor means nothing to another export
    response = await client.get(
        f"{EXPORT}/filament-types.jsonl", params={"cursor": cursor}, headers=a.headers()
    )
    api.error(response, 400, "INVALID_CURSOR")
    for limit in (0, 10_001):
        api.error(await client.get(f"{EXPORT}/spools.jsonl?limit={limit}", headers=a.headers()), 422)
    api.error(await client.get(f"{EXPORT}/spools.jsonl"), 401)


async def test_filament_types_export_as_json_lines(api, client) -> None:
    a, b = api.tenant(), api.tenant()
    made = [await api.filament_type(a) for _ in range(3)]
    first = await client.get(f"{EXPORT}/filament-types.jsonl?limit=2", headers=a.headers(Role.viewer))
    rows = _lines(first)
    rest = _lines(
        await client.get(
            f"{EXPORT}/filament-types.jsonl",
            params={"limit": 2, "cursor": first.headers["x-next-cursor"]},
            headers=a.headers(),
        )
    )
    assert [r["id"] for r in rows + rest] == [m["id"] for m in made]
    assert rows[0] == made[0]  # the fields of the API's read
    assert _lines(await client.get(f"{EXPORT}/filament-types.jsonl", headers=b.headers())) == []
