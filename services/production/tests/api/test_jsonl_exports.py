"""Runs as JSON Lines with cursor pages, against the real database: 2,500 runs by 1,000 each exactly once and
in order while runs are added, the fields of the run's read, the list's filters, tampered cursors, tenancy."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

EXPORT = "/api/v1/production/export/runs.jsonl"


def _lines(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


async def _copies(admin_conn, run_id: str, count: int) -> None:
    """``count`` copies of a run in one statement (distinct ids and numbers)."""
    columns = [
        r["column_name"]
        for r in await admin_conn.fetch(
            "select column_name from information_schema.columns where table_schema = 'production'"
            " and table_name = 'production_runs' and is_generated = 'NEVER' order by ordinal_position"
        )
    ]
    copied = ", ".join(
        {"id": "gen_random_uuid()", "run_number": "'RUN-COPY-' || g"}.get(c, f"r.{c}") for c in columns
    )
    await admin_conn.execute(
        f"insert into production.production_runs ({', '.join(columns)}) select {copied}"
        f" from production.production_runs r, generate_series(1, {count}) g where r.id = $1",
        uuid.UUID(run_id),
    )


async def test_2500_runs_by_1000_each_once_in_order_while_runs_are_added(api, client, admin_conn) -> None:
    a, b = api.tenant(), api.tenant()
    template = await api.run(a, run_date="2026-03-01", notes="first batch")
    await _copies(admin_conn, template["id"], 2499)
    theirs = await api.run(b)
    expected = [
        str(r["id"])
        for r in await admin_conn.fetch(
            "select id from production.production_runs where tenant_id = $1 order by created_at, id", a.id
        )
    ]
    first = await client.get(f"{EXPORT}?limit=1000", headers=a.headers(Role.viewer))
    seen = [r["id"] for r in _lines(first)]
    assert seen == expected[:1000]
    early = await api.run(a)  # then moved before the cursor (a late commit): an offset would repeat a row
    await admin_conn.execute(
        "update production.production_runs set created_at = '2001-01-01Z' where id = $1",
        uuid.UUID(early["id"]),
    )
    late = await api.run(a)
    lines: dict[str, dict[str, Any]] = {}
    cursor: str | None = first.headers["x-next-cursor"]
    pages = 1
    while cursor:
        response = await client.get(EXPORT, params={"limit": 1000, "cursor": cursor}, headers=a.headers())
        more = _lines(response)
        seen += [r["id"] for r in more]
        lines.update((r["id"], r) for r in more)
        cursor = response.headers.get("x-next-cursor")
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 2501
    assert seen == [*expected, late["id"]]
    assert (
        lines[late["id"]]
        == (await client.get(f"/api/v1/production-runs/{late['id']}", headers=a.headers())).json()
    )
    own = _lines(await client.get(EXPORT, headers=b.headers()))
    assert [r["id"] for r in own] == [theirs["id"]]


async def test_runs_export_applies_the_lists_filters_and_refuses_a_tampered_cursor(api, client) -> None:
    a = api.tenant()
    march = [await api.run(a, run_date="2026-03-01") for _ in range(3)]
    await api.run(a, run_date="2026-04-01")
    response = await client.get(EXPORT, params={"date_to": "2026-03-31", "limit": 2}, headers=a.headers())
    rows = _lines(response)
    rest = _lines(
        await client.get(
            EXPORT,
            params={"date_to": "2026-03-31", "limit": 2, "cursor": response.headers["x-next-cursor"]},
            headers=a.headers(),
        )
    )
    assert [r["id"] for r in rows + rest] == [r["id"] for r in march]
    link = response.headers["link"]
    assert link.startswith(f"<{EXPORT}?") and "date_to=2026-03-31" in link and link.endswith('>; rel="next"')
    cursor = response.headers["x-next-cursor"]
    for bad in (cursor[1:], cursor[:-1] + ("A" if cursor[-1] != "A" else "B") + "x", "!!"):
        api.error(
            await client.get(EXPORT, params={"cursor": bad}, headers=a.headers()), 400, "INVALID_CURSOR"
        )
    api.error(await client.get(EXPORT, params={"limit": 0}, headers=a.headers()), 422)
