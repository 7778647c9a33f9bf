"""SQL statements per run-list request (each is a round trip to PostgreSQL): a change that adds one fails
here, and one that removes one lowers the ceiling (bench/README.md, service_ratios.py, has the CPU figures).

BEGIN (which carries the tenant's set_config in the same message, batchivo_common.db.tenancy) and COMMIT
(sent after the response: ``ReadSessionDep``) are not counted. The list is one statement: the page's runs,
their total as a scalar subquery, and every item and material line of the page with the read models'
names on the first row (``runs/listing.py``; before it, six: count, page, items, materials, models,
spools). An offset past the end adds the count it could not read from a row.
"""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.testing.statements import counting_statements

pytestmark = pytest.mark.db

RUNS = "/api/v1/production-runs"
CEILINGS = {"list": 1, "list filtered": 1, "list past the end": 2}


async def test_the_run_list_sends_a_fixed_number_of_statements(app, api, client) -> None:
    t = api.tenant()
    red, blue = uuid.uuid4(), uuid.uuid4()
    s1, s2 = await api.spool(t, red, grams=100000), await api.spool(t, blue, grams=100000)
    model = await api.model(t, {red: 4, blue: 1})
    for n in range(12):
        await api.run(
            t,
            run_date=f"2026-06-{n + 1:02d}",
            notes="rush" if n % 3 == 0 else None,
            items=[{"model_id": str(model), "quantity": 1 + n % 4}, {"model_id": str(model), "quantity": 1}],
            materials=[
                {"spool_id": str(s1), "estimated_model_grams": 8},
                {"spool_id": str(s2), "estimated_model_grams": 2},
            ],
        )
    counts: dict[str, int] = {}
    for limit in (2, 10):  # the page size does not change the count
        with counting_statements(app) as statements:
            r = await client.get(f"{RUNS}?limit={limit}", headers=t.headers())
        body = r.json()
        assert r.status_code == 200 and len(body["items"]) == limit and body["total"] == 12, r.text
        assert all(len(i["items"]) == 2 and len(i["materials"]) == 2 for i in body["items"])
        counts[f"list {limit}"] = len(statements)
    assert counts.pop("list 2") == counts["list 10"], counts
    counts["list"] = counts.pop("list 10")

    with counting_statements(app) as statements:
        r = await client.get(f"{RUNS}?q=rush&model_id={model}&status=planned", headers=t.headers())
    assert r.status_code == 200 and r.json()["total"] == 4, r.text
    counts["list filtered"] = len(statements)

    with counting_statements(app) as statements:
        r = await client.get(f"{RUNS}?date_from=2026-06-03&date_to=2026-06-05", headers=t.headers())
    assert r.status_code == 200 and r.json()["total"] == 3, r.text
    assert [i["run_date"] for i in r.json()["items"]] == ["2026-06-05", "2026-06-04", "2026-06-03"]
    assert len(statements) == 1
    r = await client.get(f"{RUNS}?printer_id={uuid.uuid4()}&q=100%25_\\", headers=t.headers())
    assert r.status_code == 200 and r.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}, r.text

    with counting_statements(app) as statements:
        r = await client.get(f"{RUNS}?limit=5&offset=50", headers=t.headers())
    assert r.status_code == 200 and r.json()["items"] == [] and r.json()["total"] == 12, r.text
    counts["list past the end"] = len(statements)

    assert counts == CEILINGS
