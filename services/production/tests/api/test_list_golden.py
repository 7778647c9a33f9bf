"""The run list's bytes stay what they were: a seeded shop's ``GET /production-runs`` pages against a
recorded answer (``golden/runs_page.json``, recorded from the code before the list was rewritten on Core
rows and orjson).

The shop has runs in every status: planned (estimates only, one without a printer, one with no lines),
in progress (weighed and entered actuals), completed (outcomes, unit costs, cost per gram, a deduction
with a discrepancy), failed, cancelled, a run whose spool and model the read models do not know, non-ASCII
notes. Timestamps are set in SQL (one without microseconds) and ids are replaced by their order of first
appearance, so the comparison is of the exact response text otherwise: key order, number formatting,
escaping. ``BATCHIVO_UPDATE_GOLDEN=1`` records the file again (only when the response is meant to change).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from batchivo_common.auth.tokens import Role
from batchivo_common.testing.golden import assert_pages_match, sequential_uuid4
from batchivo_production.events.handlers import on_model, on_spool

pytestmark = pytest.mark.db

RUNS = "/api/v1/production-runs"
GOLDEN = Path(__file__).parent / "golden" / "runs_page.json"
PAGES = (
    f"{RUNS}?limit=50",
    f"{RUNS}?limit=2&offset=1",
    f"{RUNS}?status=completed",
    f"{RUNS}?q=fl%C3%BCssig",
)


@pytest.fixture
def sequential_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines ordered by id come in creation order, the same on every run."""
    sequential_uuid4(monkeypatch)


async def _seed(api, client, admin_conn) -> object:
    t = api.tenant()
    red, blue = uuid.uuid4(), uuid.uuid4()
    spools = []
    for i, (fid, grams, cost) in enumerate(((red, 1000, 0.02), (blue, 750.5, 0.0333), (red, 500, None))):
        spool_id = uuid.uuid4()
        await api.deliver(
            api.spool_event(t, spool_id, fid, grams=grams, cost=cost, code=f"FIL-{i + 1:03d}"), on_spool
        )
        spools.append(spool_id)
    s1, s2, s3 = spools
    model, small = uuid.uuid4(), uuid.uuid4()
    await api.deliver(api.model_event(t, model, {red: 40, blue: 10.25}), on_model)
    await api.deliver(api.model_event(t, small, {red: 3}), on_model)
    await admin_conn.execute(
        "update production.models set sku = case id when $1 then 'MOD-BIG' else 'MOD-SMALL' end"
        " where id = any($2::uuid[])",
        model,
        [model, small],
    )
    printer = await api.post(t, "/api/v1/printers", {"name": "MK4"})
    await api.post(t, f"/api/v1/printers/{printer['id']}/load", {"spool_id": str(s1), "slot": 0})
    await api.post(t, f"/api/v1/printers/{printer['id']}/load", {"spool_id": str(s2), "slot": 1})
    day = "2026-05-0"

    # planned, proposed from the printer's spools
    await api.run(
        t,
        printer_id=printer["id"],
        run_date=f"{day}1",
        items=[{"model_id": str(model), "quantity": 2, "bed_position": "A1"}],
        slicer="PrusaSlicer 2.8",
        nozzle_temp=215,
        bed_temp=60,
        estimated_print_time_hours=1.5,
    )
    # planned without printer or lines
    await api.run(t, run_date=f"{day}1", notes="leer \u2013 nichts")
    # in progress: weighed and entered actuals
    running = await api.run(
        t,
        run_date=f"{day}2",
        items=[{"model_id": str(small), "quantity": 3}, {"model_id": str(model), "quantity": 1}],
        materials=[
            {"spool_id": str(s1), "estimated_model_grams": 49, "estimated_flush_grams": 2.5},
            {"spool_id": str(s3), "estimated_model_grams": 10, "estimated_tower_grams": 1.25},
        ],
        notes='flüssig "quoted"\nline two',
    )
    await api.post(t, f"{RUNS}/{running['id']}/start")
    by_spool = {m["spool_id"]: m["id"] for m in running["materials"]}
    for spool, body in (
        (s1, {"weight_before": 1000, "weight_after": 947.5}),
        (s3, {"actual_model_grams": 9, "actual_flush_grams": 0.5}),
    ):
        r = await client.patch(
            f"{RUNS}/{running['id']}/materials/{by_spool[str(spool)]}", json=body, headers=t.headers()
        )
        assert r.status_code == 200, r.text
    # completed with outcomes, a duration and a deduction with a discrepancy
    done = await api.run(
        t,
        run_date=f"{day}3",
        items=[{"model_id": str(model), "quantity": 10, "bed_position": "B2"}],
        materials=[
            {"spool_id": str(s1), "estimated_model_grams": 400},
            {"spool_id": str(s2), "estimated_model_grams": 100, "estimated_flush_grams": 7},
        ],
        estimated_print_time_hours=4,
    )
    await api.post(t, f"{RUNS}/{done['id']}/start")
    for line, body in zip(
        done["materials"],
        ({"weight_before": 1000, "weight_after": 577.3}, {"actual_model_grams": 111}),
        strict=True,
    ):
        r = await client.patch(f"{RUNS}/{done['id']}/materials/{line['id']}", json=body, headers=t.headers())
        assert r.status_code == 200, r.text
    completed = await api.post(
        t,
        f"{RUNS}/{done['id']}/complete",
        {
            "items": [{"item_id": done["items"][0]["id"], "successful_quantity": 9, "failed_quantity": 1}],
            "duration_hours": 4.25,
            "quality_rating": 4,
        },
    )
    event_id = await admin_conn.fetchval(
        "select event_id from production.outbox where envelope->>'aggregate_id' = $1"
        " and event_type = 'production.run.completed.v1'",
        completed["id"],
    )
    await api.usage_recorded(
        t,
        uuid.UUID(done["id"]),
        event_id,
        [
            {"spool_id": str(s1), "booked_grams": 422.7, "discrepancy_grams": 0},
            {"spool_id": str(s2), "booked_grams": 111, "discrepancy_grams": 2.5},
        ],
    )
    # completed with every unit failed (no cost)
    zero = await api.run(
        t,
        run_date=f"{day}3",
        items=[{"model_id": str(small), "quantity": 1}],
        materials=[{"spool_id": str(s2), "estimated_model_grams": 3, "actual_model_grams": 4}],
    )
    await api.post(t, f"{RUNS}/{zero['id']}/start")
    await api.post(
        t,
        f"{RUNS}/{zero['id']}/complete",
        {"items": [{"item_id": zero["items"][0]["id"], "successful_quantity": 0, "failed_quantity": 1}]},
    )
    # failed with waste
    failing = await api.run(
        t, run_date=f"{day}4", items=[{"model_id": str(small), "quantity": 1}], printer_id=printer["id"]
    )
    await api.post(t, f"{RUNS}/{failing['id']}/start")
    await api.post(
        t,
        f"{RUNS}/{failing['id']}/fail",
        {"reason": "Spaghetti ✗", "waste": [{"spool_id": str(s1), "grams": 1.5}]},
    )
    # cancelled with partial usage
    cancel = await api.run(
        t,
        run_date=f"{day}4",
        items=[{"model_id": str(model), "quantity": 1}],
        materials=[{"spool_id": str(s2), "estimated_model_grams": 12}],
    )
    await api.post(t, f"{RUNS}/{cancel['id']}/cancel", {"materials": [{"spool_id": str(s2), "grams": 3}]})
    # a run whose spool and model the read models forgot (deleted rows: the list shows nulls)
    ghost = await api.run(
        t,
        run_date=f"{day}5",
        items=[{"model_id": str(small), "quantity": 2}],
        materials=[{"spool_id": str(s3), "estimated_model_grams": 6}],
        allow_insufficient=True,
    )
    await admin_conn.execute(
        "update production.run_items set model_id = $2 where run_id = $1",
        uuid.UUID(ghost["id"]),
        uuid.uuid4(),
    )
    await admin_conn.execute(
        "update production.run_materials set spool_id = $2 where run_id = $1",
        uuid.UUID(ghost["id"]),
        uuid.uuid4(),
    )
    # Fixed timestamps in run-number order, the first without microseconds.
    await admin_conn.execute(
        """
        update production.production_runs r set
            created_at = timestamptz '2026-05-01 08:00:00+00' + n * interval '1 hour 0.123456 second',
            updated_at = timestamptz '2026-05-01 09:00:00+00' + n * interval '1 hour 0.5 second',
            started_at = case when started_at is null then null
                              else timestamptz '2026-05-01 08:30:00+00' + n * interval '1 hour' end,
            completed_at = case when completed_at is null then null
                                else timestamptz '2026-05-01 10:15:30.25+00' + n * interval '1 hour' end
        from (select id, row_number() over (order by run_number) - 1 as n from production.production_runs
              where tenant_id = $1) o
        where r.id = o.id
        """,
        t.id,
    )
    return t


async def test_run_pages_are_the_recorded_bytes(api, client, admin_conn, sequential_ids) -> None:
    t = await _seed(api, client, admin_conn)
    await assert_pages_match(client, PAGES, t.headers(Role.viewer), GOLDEN)
    # Each listed run is what GET answers for it (the single read still goes through RunRead).
    for item in json.loads((await client.get(PAGES[0], headers=t.headers())).text)["items"]:
        single = await client.get(f"{RUNS}/{item['id']}", headers=t.headers())
        assert single.status_code == 200
        assert single.json() == item
