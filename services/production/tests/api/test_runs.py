"""Runs over HTTP against the real database: creation and numbering, reservations, the status machine,
weighing and completion (cost, outbox event), the deduction outcome, roles and tenancy."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from batchivo_common.auth.tokens import Role

pytestmark = pytest.mark.db

RUNS = "/api/v1/production-runs"


async def shop(api: Any) -> dict[str, Any]:
    """A tenant with two filament types, a spool of each (1000 g at 0.02 /g), a model of 40 g + 10 g, and a
    printer with both spools loaded."""
    t = api.tenant()
    red, blue = uuid.uuid4(), uuid.uuid4()
    s1, s2 = await api.spool(t, red), await api.spool(t, blue)
    model = await api.model(t, {red: 40, blue: 10})
    printer = await api.post(t, "/api/v1/printers", {"name": "MK4"})
    await api.post(t, f"/api/v1/printers/{printer['id']}/load", {"spool_id": str(s1), "slot": 0})
    loaded = await api.post(t, f"/api/v1/printers/{printer['id']}/load", {"spool_id": str(s2), "slot": 1})
    assert [s["spool_id"] for s in loaded["loaded_spools"]] == [str(s1), str(s2)]
    return {"t": t, "s1": s1, "s2": s2, "model": model, "printer": printer["id"], "red": red, "blue": blue}


async def outbox(admin_conn: Any, run_id: str) -> list[dict[str, Any]]:
    import json

    rows = await admin_conn.fetch(
        "select event_type, envelope from production.outbox where envelope->>'aggregate_id' = $1 order by id",
        run_id,
    )
    return [{"type": r["event_type"], **json.loads(r["envelope"])} for r in rows]


async def test_a_run_on_a_printer_proposes_its_loaded_spools_and_completes_with_cost(api, client, admin_conn):
    s = await shop(api)
    t = s["t"]
    run = await api.run(t, printer_id=s["printer"], items=[{"model_id": str(s["model"]), "quantity": 5}])
    assert run["run_number"].startswith(f"RUN-{date.today():%Y%m%d}-")
    assert run["status"] == "planned"
    by_spool = {m["spool_id"]: m for m in run["materials"]}
    assert by_spool[str(s["s1"])]["estimated_grams"] == 200
    assert by_spool[str(s["s2"])]["estimated_grams"] == 50
    assert by_spool[str(s["s1"])]["cost_per_gram"] == 0.02

    stock = (await client.get("/api/v1/production/spools", headers=t.headers())).json()["items"]
    held = {x["id"]: (x["current"], x["reserved"], x["available"]) for x in stock}
    assert held[str(s["s1"])] == (1000, 200, 800)

    # Completing before start, or without actuals, changes nothing.
    api.error(
        await client.post(f"{RUNS}/{run['id']}/complete", headers=t.headers()), 409, "INVALID_TRANSITION"
    )
    await api.post(t, f"{RUNS}/{run['id']}/start")
    api.error(await client.post(f"{RUNS}/{run['id']}/complete", headers=t.headers()), 422, "MISSING_ACTUALS")

    for spool, after in ((s["s1"], 780), (s["s2"], 945)):
        line = by_spool[str(spool)]
        r = await client.patch(
            f"{RUNS}/{run['id']}/materials/{line['id']}",
            json={"weight_before": 1000, "weight_after": after},
            headers=t.headers(),
        )
        assert r.status_code == 200, r.text
    done = await api.post(t, f"{RUNS}/{run['id']}/complete", {"duration_hours": 2})
    assert done["status"] == "completed"
    assert done["actual_grams"] == 275
    assert done["variance_grams"] == 25
    assert done["cost_per_gram_actual"] == 0.022
    assert done["items"][0]["successful_quantity"] == 5
    assert done["items"][0]["actual_unit_cost"] == 1.1
    assert done["success_rate"] == 100
    assert done["deduction"]["status"] == "pending"

    events = await outbox(admin_conn, run["id"])
    assert [e["type"] for e in events] == ["production.run.completed.v1"]
    data = events[0]["data"]
    assert sorted((m["spool_id"], m["grams"]) for m in data["materials"]) == sorted(
        [(str(s["s1"]), 220.0), (str(s["s2"]), 55.0)]
    )
    assert data["models"] == [{"model_id": str(s["model"]), "successful_units": 5, "actual_unit_cost": 1.1}]

    # The reservation is released once the run finished.
    stock = (await client.get("/api/v1/production/spools", headers=t.headers())).json()["items"]
    assert {x["id"]: x["reserved"] for x in stock}[str(s["s1"])] == 0

    # A second complete, and a PATCH of the status, move nothing.
    api.error(
        await client.post(f"{RUNS}/{run['id']}/complete", headers=t.headers()), 409, "INVALID_TRANSITION"
    )
    api.error(await client.patch(f"{RUNS}/{run['id']}", json={"status": "planned"}, headers=t.headers()), 422)
    api.error(
        await client.patch(f"{RUNS}/{run['id']}", json={"slicer": "x"}, headers=t.headers()),
        409,
        "RUN_FINISHED",
    )
    ok = await client.patch(
        f"{RUNS}/{run['id']}", json={"notes": "nice", "quality_rating": 5}, headers=t.headers()
    )
    assert ok.status_code == 200
    api.error(await client.delete(f"{RUNS}/{run['id']}", headers=t.headers(Role.admin)), 409, "RUN_COMPLETED")
    assert len(await outbox(admin_conn, run["id"])) == 1

    # Inventory's answer to an older event is ignored; the answer to this completion settles it.
    await api.usage_recorded(t, uuid.UUID(run["id"]), uuid.uuid4(), [])
    assert (await client.get(f"{RUNS}/{run['id']}", headers=t.headers())).json()["deduction"][
        "status"
    ] == "pending"
    spools = [
        {"spool_id": str(s["s1"]), "booked_grams": 220, "discrepancy_grams": 0},
        {"spool_id": str(s["s2"]), "booked_grams": 55, "discrepancy_grams": 5},
    ]
    await api.usage_recorded(t, uuid.UUID(run["id"]), uuid.UUID(events[0]["event_id"]), spools)
    shown = (await client.get(f"{RUNS}/{run['id']}", headers=t.headers())).json()["deduction"]
    assert shown["status"] == "discrepancy"
    assert shown["spools"][1]["discrepancy_grams"] == 5

    # Revert (admin only) publishes the grams back and reopens the run.
    api.error(await client.post(f"{RUNS}/{run['id']}/revert", headers=t.headers()), 403)
    back = await api.post(t, f"{RUNS}/{run['id']}/revert", role=Role.admin)
    assert back["status"] == "in_progress"
    assert back["cost_per_gram_actual"] is None
    events = await outbox(admin_conn, run["id"])
    assert [e["type"] for e in events] == ["production.run.completed.v1", "production.run.reverted.v1"]
    assert sorted(m["grams"] for m in events[1]["data"]["materials"]) == [55.0, 220.0]


async def test_two_planned_runs_that_exceed_a_spool_refuse_the_second(api, client):
    t = api.tenant()
    pla = uuid.uuid4()
    spool = await api.spool(t, pla, grams=1000)
    model = await api.model(t, {pla: 100})
    line = {"spool_id": str(spool), "estimated_model_grams": 600}
    await api.run(t, items=[{"model_id": str(model), "quantity": 6}], materials=[line])
    refused = await client.post(
        RUNS,
        json={"items": [{"model_id": str(model), "quantity": 6}], "materials": [line]},
        headers=t.headers(),
    )
    body = api.error(refused, 409, "INSUFFICIENT_STOCK")
    assert "short by 200" in body["detail"]
    assert (await client.get(RUNS, headers=t.headers())).json()["total"] == 1
    forced = await client.post(
        RUNS, json={"materials": [line], "allow_insufficient": True}, headers=t.headers()
    )
    assert forced.status_code == 201


async def test_fail_and_cancel_publish_waste_and_partial_usage(api, client, admin_conn):
    s = await shop(api)
    t = s["t"]
    run = await api.run(t, printer_id=s["printer"], items=[{"model_id": str(s["model"]), "quantity": 1}])
    await api.post(t, f"{RUNS}/{run['id']}/start")
    failed = await api.post(
        t,
        f"{RUNS}/{run['id']}/fail",
        {"reason": "spaghetti", "waste": [{"spool_id": str(s["s1"]), "grams": 12.5}]},
    )
    assert failed["status"] == "failed"
    assert failed["failure_reason"] == "spaghetti"
    ev = await outbox(admin_conn, run["id"])
    assert ev[-1]["type"] == "production.run.failed.v1"
    assert ev[-1]["data"]["materials"] == [{"spool_id": str(s["s1"]), "waste_grams": 12.5}]

    other = await api.run(t, printer_id=s["printer"], items=[{"model_id": str(s["model"]), "quantity": 1}])
    cancelled = await api.post(
        t, f"{RUNS}/{other['id']}/cancel", {"materials": [{"spool_id": str(s["s2"]), "grams": 3}]}
    )
    assert cancelled["status"] == "cancelled"
    ev = await outbox(admin_conn, other["id"])
    assert ev[-1]["type"] == "production.run.cancelled.v1"
    assert ev[-1]["data"]["materials"] == [{"spool_id": str(s["s2"]), "grams": 3.0}]
    api.error(
        await client.post(f"{RUNS}/{other['id']}/complete", headers=t.headers()), 409, "INVALID_TRANSITION"
    )


async def test_run_numbers_count_per_tenant_and_day_and_are_never_reused(api, client):
    t, u = api.tenant(), api.tenant()
    first = await api.run(t, run_date="2026-03-01")
    second = await api.run(t, run_date="2026-03-01")
    assert (first["run_number"], second["run_number"]) == ("RUN-20260301-001", "RUN-20260301-002")
    r = await client.delete(f"{RUNS}/{second['id']}", headers=t.headers(Role.admin))
    assert r.status_code == 204
    assert (await api.run(t, run_date="2026-03-01"))["run_number"] == "RUN-20260301-003"
    assert (await api.run(t, run_date="2026-02-28"))["run_number"] == "RUN-20260228-001"
    assert (await api.run(u, run_date="2026-03-01"))["run_number"] == "RUN-20260301-001"
    listed = (await client.get(f"{RUNS}?q=20260301&date_from=2026-03-01", headers=t.headers())).json()
    assert listed["total"] == 2


async def test_item_outcomes_and_variance_analytics(api, client):
    t = api.tenant()
    pla = uuid.uuid4()
    spool = await api.spool(t, pla)
    model = await api.model(t, {pla: 10})
    run = await api.run(
        t,
        items=[{"model_id": str(model), "quantity": 10}],
        materials=[{"spool_id": str(spool), "estimated_model_grams": 100, "estimated_flush_grams": 10}],
        estimated_print_time_hours=4.0,
    )
    await api.post(t, f"{RUNS}/{run['id']}/start")
    line = run["materials"][0]["id"]
    r = await client.patch(
        f"{RUNS}/{run['id']}/materials/{line}",
        json={"weight_before": 200, "weight_after": 85},
        headers=t.headers(),
    )
    assert r.json()["materials"][0]["variance_pct"] == 4.55
    bad = await client.post(
        f"{RUNS}/{run['id']}/complete",
        json={"items": [{"item_id": run["items"][0]["id"], "successful_quantity": 9, "failed_quantity": 2}]},
        headers=t.headers(),
    )
    api.error(bad, 422, "INVALID_OUTCOME")
    done = await api.post(
        t,
        f"{RUNS}/{run['id']}/complete",
        {
            "items": [{"item_id": run["items"][0]["id"], "successful_quantity": 9, "failed_quantity": 1}],
            "duration_hours": 4.5,
        },
    )
    assert (done["actual_grams"], done["variance_grams"], done["variance_pct"]) == (115, 5, 4.55)
    assert done["time_variance_hours"] == 0.5
    assert done["success_rate"] == 90
    report = (await client.get("/api/v1/production/analytics/variance?days=30", headers=t.headers())).json()
    assert report["runs"] == 1
    assert report["top_runs"][0]["variance_grams"] == 5
    assert report["models"][0]["success_rate"] == 90
    assert report["daily"][0]["variance_pct"] == 4.55


async def test_defaults_propose_the_loaded_spools_first(api, client):
    s = await shop(api)
    t = s["t"]
    other = await api.spool(t, s["red"], grams=900)
    r = await client.get(
        f"/api/v1/production/defaults?model_id={s['model']}&quantity=5&printer_id={s['printer']}",
        headers=t.headers(),
    )
    assert r.status_code == 200, r.text
    lines = {line["filament_type_id"]: line for line in r.json()["materials"]}
    red = lines[str(s["red"])]
    assert (red["grams_per_unit"], red["grams_total"]) == (40, 200)
    assert [c["id"] for c in red["candidates"]] == [str(s["s1"]), str(other)]
    api.error(
        await client.get(f"/api/v1/production/defaults?model_id={uuid.uuid4()}", headers=t.headers()), 404
    )


async def test_a_spool_is_loaded_in_one_printer_at_a_time(api, client):
    s = await shop(api)
    t = s["t"]
    other = await api.post(t, "/api/v1/printers", {"name": "XL"})
    r = await client.post(
        f"/api/v1/printers/{other['id']}/load", json={"spool_id": str(s["s1"])}, headers=t.headers()
    )
    api.error(r, 409, "SPOOL_LOADED")
    await api.post(t, f"/api/v1/printers/{s['printer']}/unload", {"spool_id": str(s["s1"])})
    moved = await api.post(t, f"/api/v1/printers/{other['id']}/load", {"spool_id": str(s["s1"])})
    assert moved["loaded_spools"][0]["spool_id"] == str(s["s1"])
    unknown = await client.post(
        f"/api/v1/printers/{other['id']}/load",
        json={"spool_id": str(uuid.uuid4()), "slot": 2},
        headers=t.headers(),
    )
    api.error(unknown, 422, "UNKNOWN_SPOOL")


async def test_roles_tenancy_and_bad_input(api, client):
    s = await shop(api)
    t, stranger = s["t"], api.tenant()
    run = await api.run(t, printer_id=s["printer"], items=[{"model_id": str(s["model"]), "quantity": 1}])
    api.error(await client.get(f"{RUNS}/{run['id']}", headers=stranger.headers()), 404)
    api.error(await client.post(f"{RUNS}/{run['id']}/start", headers=stranger.headers()), 404)
    api.error(await client.get(f"/api/v1/printers/{s['printer']}", headers=stranger.headers()), 404)
    api.error(await client.post(RUNS, json={}, headers=t.headers(Role.viewer)), 403)
    api.error(await client.post("/api/v1/printers", json={"name": "x"}, headers=t.headers(Role.viewer)), 403)
    api.error(await client.get(RUNS), 401)
    api.error(
        await client.post(
            RUNS, json={"items": [{"model_id": str(uuid.uuid4()), "quantity": 1}]}, headers=t.headers()
        ),
        422,
        "UNKNOWN_MODEL",
    )
    api.error(
        await client.post(RUNS, json={"items": [{"model_id": "nope", "quantity": 0}]}, headers=t.headers()),
        422,
    )
    api.error(await client.get(f"{RUNS}?status=bogus", headers=t.headers()), 422)
    assert (await client.get(RUNS, headers=t.headers())).json()["total"] == 1


async def test_a_repeated_idempotency_key_on_complete_returns_the_first_answer(api, client, admin_conn):
    t = api.tenant()
    pla = uuid.uuid4()
    spool = await api.spool(t, pla)
    run = await api.run(t, materials=[{"spool_id": str(spool), "estimated_model_grams": 10}])
    await api.post(t, f"{RUNS}/{run['id']}/start")
    await client.patch(
        f"{RUNS}/{run['id']}/materials/{run['materials'][0]['id']}",
        json={"actual_model_grams": 12},
        headers=t.headers(),
    )
    headers = {**t.headers(), "Idempotency-Key": "complete-once-1"}
    first = await client.post(f"{RUNS}/{run['id']}/complete", headers=headers)
    again = await client.post(f"{RUNS}/{run['id']}/complete", headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert len(await outbox(admin_conn, run["id"])) == 1
