"""The production worker against the real broker: the spool and model read models (highest version wins,
duplicates harmless), the relay publishing a completed run, inventory's usage answer settling it, and
printers loading the spool their API key reports usage on."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.messaging.topology import QueueSpec
from batchivo_common.testing.polling import eventually
from batchivo_common.testing.workers import RunningWorker, running_worker
from batchivo_production.events.handlers import on_spool, on_usage_reported
from batchivo_production.events.subscriptions import SUBSCRIPTIONS
from batchivo_production.settings import ProductionSettings
from batchivo_production.worker import create_worker_app

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(120)]


@contextlib.asynccontextmanager
async def worker(
    production_db, batchivo_infra, extra: list[QueueSpec] | None = None
) -> AsyncIterator[RunningWorker]:
    overrides = production_db.settings_overrides(batchivo_infra)

    def make(prefix: str):
        return create_worker_app(
            ProductionSettings(**{**overrides, "amqp_prefix": prefix}),
            configure_process=False,
            relay_poll_seconds=0.3,
        )

    prefix = f"{batchivo_infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
    async with running_worker(make, batchivo_infra.amqp_url, prefix, [*SUBSCRIPTIONS, *(extra or [])]) as w:
        yield w


async def _handled(admin_conn, event: EventEnvelope) -> bool:
    return bool(
        await admin_conn.fetchval("select count(*) from production.inbox where event_id = $1", event.event_id)
    )


async def test_read_models_keep_the_highest_version(
    api, client, admin_conn, production_db, batchivo_infra
) -> None:
    async with worker(production_db, batchivo_infra) as w:
        t = api.tenant()
        spool, pla = uuid.uuid4(), uuid.uuid4()
        v2 = api.spool_event(t, spool, pla, grams=800, version=2)
        v1 = api.spool_event(t, spool, pla, grams=1000, version=1)
        for event in (v2, v1, v2):
            await w.publish(event)
        model = uuid.uuid4()
        m1 = api.model_event(t, model, {pla: 10}, version=1)
        m2 = api.model_event(t, model, {pla: 12.5}, version=2)
        await w.publish(m2)
        await w.publish(m1)
        for event in (v2, v1, m1, m2):
            await eventually(lambda e=event: _handled(admin_conn, e))
        row = await admin_conn.fetchrow("select current_weight, aggregate_version from production.spools")
        assert (float(row[0]), row[1]) == (800.0, 2)
        grams = await admin_conn.fetchval(
            "select grams from production.model_materials where model_id = $1", model
        )
        assert float(grams) == 12.5
        stock = (await client.get("/api/v1/production/spools", headers=t.headers())).json()
        assert stock["items"][0]["available"] == 800


async def test_a_completed_run_is_published_and_inventorys_answer_settles_it(
    api, client, admin_conn, production_db, batchivo_infra
) -> None:
    tap = QueueSpec("productiontest", "runs", ("production.run.completed.v1",))
    async with worker(production_db, batchivo_infra, [tap]) as w:
        t = api.tenant()
        pla = uuid.uuid4()
        spool = await api.spool(t, pla)
        model = await api.model(t, {pla: 10})
        run = await api.run(
            t,
            items=[{"model_id": str(model), "quantity": 2}],
            materials=[{"spool_id": str(spool), "estimated_model_grams": 20}],
        )
        await api.post(t, f"/api/v1/production-runs/{run['id']}/start")
        await client.patch(
            f"/api/v1/production-runs/{run['id']}/materials/{run['materials'][0]['id']}",
            json={"weight_before": 500, "weight_after": 478},
            headers=t.headers(),
        )
        await api.post(t, f"/api/v1/production-runs/{run['id']}/complete")
        queue = await w.channel.get_queue(w.names.queue(tap))
        received: list[dict[str, Any]] = []

        async def one() -> bool:
            message = await queue.get(fail=False, no_ack=True)
            if message is not None:
                received.append(EventEnvelope.model_validate_json(message.body).model_dump(mode="json"))
            return bool(received)

        await eventually(one)
        event = received[0]
        assert event["data"]["materials"] == [{"spool_id": str(spool), "grams": 22.0}]
        assert event["data"]["models"][0]["successful_units"] == 2
        answer = new_event(
            "inventory.usage.recorded.v1",
            producer="inventory",
            tenant_id=t.id,
            aggregate_id=uuid.UUID(run["id"]),
            causation_id=event["event_id"],
            data={
                "run_id": run["id"],
                "source_event_type": "production.run.completed.v1",
                "spools": [{"spool_id": str(spool), "booked_grams": 22, "discrepancy_grams": 0}],
            },
        )
        await w.publish(answer)

        async def applied() -> bool:
            r = await client.get(f"/api/v1/production-runs/{run['id']}", headers=t.headers())
            return bool(r.json()["deduction"]["status"] == "applied")

        await eventually(applied)


def _reported(t, spool: uuid.UUID, key: uuid.UUID, at: datetime, code: str = "FIL-042") -> EventEnvelope:
    return new_event(
        "inventory.spool.usage_reported.v1",
        producer="inventory",
        tenant_id=t.id,
        aggregate_id=spool,
        data={
            "spool_id": spool,
            "spool_code": code,
            "api_key_id": key,
            "api_key_name": "voron-1",
            "reported_at": at.isoformat(),
        },
    )


async def test_a_printer_loads_the_spool_its_api_key_reports(
    api, client, admin_conn, production_db, batchivo_infra
) -> None:
    async with worker(production_db, batchivo_infra) as w:
        t, stranger = api.tenant(), api.tenant()
        pla = uuid.uuid4()
        s1, s2, s3 = [await api.spool(t, pla) for _ in range(3)]
        archived = uuid.uuid4()
        await api.deliver(api.spool_event(t, archived, pla, archived=True), on_spool)
        key, other_key = uuid.uuid4(), uuid.uuid4()
        voron = await api.post(t, "/api/v1/printers", {"name": "Voron", "api_key_id": str(key)})
        mmu = await api.post(
            t, "/api/v1/printers", {"name": "MMU", "api_key_id": str(other_key), "slot_count": 2}
        )
        # The other shop's printer holds the same key id: it never sees this shop's reports.
        theirs = await api.post(stranger, "/api/v1/printers", {"name": "Theirs", "api_key_id": str(key)})

        async def deliver(event: EventEnvelope) -> None:
            await w.publish(event)
            await eventually(lambda: _handled(admin_conn, event))

        async def printer(p: dict[str, Any], tenant: Any = t) -> dict[str, Any]:
            got: dict[str, Any] = (
                await client.get(f"/api/v1/printers/{p['id']}", headers=tenant.headers())
            ).json()
            return got

        def loaded(p: dict[str, Any]) -> list[tuple[int, str]]:
            return [(s["slot"], s["spool_id"]) for s in p["loaded_spools"]]

        t0 = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
        first = _reported(t, s1, key, t0, code="FIL-001")
        await deliver(first)
        await w.publish(first)  # a redelivery: the inbox drops it
        got = await printer(voron)
        assert loaded(got) == [(1, str(s1))]
        assert (got["last_reported_spool_id"], got["last_reported_spool_code"]) == (str(s1), "FIL-001")
        assert datetime.fromisoformat(got["last_reported_at"]) == t0
        assert loaded(await printer(theirs, stranger)) == []

        # The same spool again: only last_reported_* move.
        await deliver(_reported(t, s1, key, t0 + timedelta(minutes=5), code="FIL-001"))
        got = await printer(voron)
        assert loaded(got) == [(1, str(s1))]
        assert datetime.fromisoformat(got["last_reported_at"]) == t0 + timedelta(minutes=5)

        # A one-slot printer is full: the new spool replaces the one in slot 1.
        await deliver(_reported(t, s2, key, t0 + timedelta(minutes=10), code="FIL-002"))
        assert loaded(await printer(voron)) == [(1, str(s2))]

        # Out of order: a report older than the last one changes nothing.
        await deliver(_reported(t, s1, key, t0 + timedelta(minutes=7), code="FIL-001"))
        got = await printer(voron)
        assert (loaded(got), got["last_reported_spool_code"]) == ([(1, str(s2))], "FIL-002")

        # Loaded in another printer: it moves (unloaded there), into the first free slot; full: slot 1.
        await deliver(_reported(t, s3, other_key, t0, code="FIL-003"))
        await deliver(_reported(t, s2, other_key, t0 + timedelta(minutes=11), code="FIL-002"))
        assert loaded(await printer(mmu)) == [(1, str(s3)), (2, str(s2))]
        assert loaded(await printer(voron)) == []
        await deliver(_reported(t, s1, other_key, t0 + timedelta(minutes=12), code="FIL-001"))
        assert loaded(await printer(mmu)) == [(1, str(s1)), (2, str(s2))]

        # An archived spool is not loaded (last_reported_* still say what the printer reports).
        await deliver(_reported(t, archived, key, t0 + timedelta(minutes=20), code="FIL-009"))
        got = await printer(voron)
        assert (loaded(got), got["last_reported_spool_code"]) == ([], "FIL-009")

        # A key no printer holds: nothing changes, the event is consumed.
        await deliver(_reported(t, s3, uuid.uuid4(), t0 + timedelta(minutes=30)))
        assert loaded(await printer(mmu)) == [(1, str(s1)), (2, str(s2))]
        dead = await admin_conn.fetchval(
            "select count(*) from production.inbox where event_type = 'inventory.spool.usage_reported.v1'"
        )
        assert dead == 9


async def test_two_printers_reporting_one_spool_at_once_leave_it_in_one(api, client, admin_conn) -> None:
    """The handlers of two keys' reports of the same spool, run concurrently as two workers would: neither
    fails on the one-printer-per-spool key, and the spool ends in exactly one printer."""
    t = api.tenant()
    pla = uuid.uuid4()
    keys = [uuid.uuid4(), uuid.uuid4()]
    for n, key in enumerate(keys):
        await api.post(t, "/api/v1/printers", {"name": f"P{n}", "api_key_id": str(key)})
    at = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    for _ in range(5):
        spool = await api.spool(t, pla)
        await asyncio.gather(*(api.deliver(_reported(t, spool, key, at), on_usage_reported) for key in keys))
        holders = await admin_conn.fetchval(
            "select count(*) from production.printer_spools where spool_id = $1", spool
        )
        assert holders == 1
