"""The worker consumes production run events from the real broker: usage, waste, cancellations, reverts,
discrepancies, redelivery (booked once) and the dead-letter queue; and relays its own events."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.tenancy import tenant_scope
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.testing.polling import eventually
from batchivo_common.testing.workers import running_worker as shared_running_worker
from batchivo_inventory.events import handlers
from batchivo_inventory.events.subscriptions import RUN_COMPLETED, SUBSCRIPTIONS
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.worker import create_worker_app

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(120)]


@contextlib.asynccontextmanager
async def running_worker(inventory_db, batchivo_infra) -> AsyncIterator[dict[str, Any]]:
    """The worker against the real broker (batchivo_common.testing.workers), as the tests below use it."""
    overrides = inventory_db.settings_overrides(batchivo_infra)

    def make(prefix: str):
        settings = InventorySettings(**{**overrides, "amqp_prefix": prefix})
        return create_worker_app(settings, configure_process=False, relay_poll_seconds=0.3)

    prefix = f"{batchivo_infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
    async with shared_running_worker(make, batchivo_infra.amqp_url, prefix, SUBSCRIPTIONS) as worker:
        yield {"publish": worker.publish, "channel": worker.channel, "names": worker.names, "prefix": prefix}


def run_event(tenant_id: uuid.UUID, event_type: str, data: dict[str, Any]) -> EventEnvelope:
    return new_event(event_type, producer="production", tenant_id=tenant_id, data=data)


async def _ledger(admin_conn, spool_id: str) -> list[tuple[str, float, str | None]]:
    rows = await admin_conn.fetch(
        "select kind, delta, reason from inventory.inventory_transactions"
        " where spool_id = $1 order by created_at, id",
        uuid.UUID(spool_id),
    )
    return [(r["kind"], float(r["delta"]), r["reason"]) for r in rows]


async def _weight(admin_conn, spool_id: str) -> float:
    return float(
        await admin_conn.fetchval(
            "select current_weight from inventory.spools where id = $1", uuid.UUID(spool_id)
        )
    )


async def test_completed_run_books_usage_once_even_when_delivered_twice(
    api, admin_conn, inventory_db, batchivo_infra
) -> None:
    async with running_worker(inventory_db, batchivo_infra) as worker:
        tenant = api.tenant()
        a = await api.spool(tenant, initial_weight=1000)
        b = await api.spool(tenant, initial_weight=500)
        run_id = uuid.uuid4()
        event = run_event(
            tenant.id,
            "production.run.completed.v1",
            {
                "run_id": str(run_id),
                "run_number": "RUN-7",
                "materials": [
                    {"spool_id": a["id"], "grams": 120.5},
                    {"spool_id": b["id"], "grams": 30},
                    {"spool_id": a["id"], "grams": 9.5},
                ],
            },
        )
        await worker["publish"](event)
        await worker["publish"](event)
        await eventually(lambda: _inbox(admin_conn, event.event_id))
        await asyncio.sleep(1.0)  # the duplicate has time to arrive
        assert await _ledger(admin_conn, a["id"]) == [
            ("purchase", 1000.0, "purchase"),
            ("usage", -130.0, "run RUN-7"),
        ]
        assert await _weight(admin_conn, b["id"]) == 470
        rows = await admin_conn.fetch(
            "select production_run_id, source_event_id from inventory.inventory_transactions"
            " where kind = 'usage'"
            " and tenant_id = $1",
            tenant.id,
        )
        assert {(r["production_run_id"], r["source_event_id"]) for r in rows} == {(run_id, event.event_id)}
        recorded = await _outbox(admin_conn, tenant.id, "inventory.usage.recorded.v1")
        assert len(recorded) == 1
        assert recorded[0]["data"]["run_id"] == str(run_id)
        assert sorted((s["booked_grams"], s["discrepancy_grams"]) for s in recorded[0]["data"]["spools"]) == [
            (30.0, 0.0),
            (130.0, 0.0),
        ]


async def test_usage_beyond_the_record_books_a_discrepancy(
    api, admin_conn, inventory_db, batchivo_infra
) -> None:
    async with running_worker(inventory_db, batchivo_infra) as worker:
        tenant = api.tenant()
        spool = await api.spool(tenant, initial_weight=1000, current_weight=40)
        event = run_event(
            tenant.id,
            "production.run.completed.v1",
            {"run_id": str(uuid.uuid4()), "materials": [{"spool_id": spool["id"], "grams": 55}]},
        )
        await worker["publish"](event)
        await eventually(lambda: _inbox(admin_conn, event.event_id))
        assert await _ledger(admin_conn, spool["id"]) == [
            ("purchase", 40.0, "purchase"),
            ("adjustment", 15.0, "discrepancy"),
            ("usage", -55.0, "run completed"),
        ]
        assert await _weight(admin_conn, spool["id"]) == 0
        recorded = await _outbox(admin_conn, tenant.id, "inventory.usage.recorded.v1")
        assert recorded[0]["data"]["spools"] == [
            {"spool_id": spool["id"], "booked_grams": 55.0, "discrepancy_grams": 15.0}
        ]


async def test_failed_cancelled_and_reverted_runs(api, admin_conn, inventory_db, batchivo_infra) -> None:
    async with running_worker(inventory_db, batchivo_infra) as worker:
        tenant = api.tenant()
        spool = await api.spool(tenant, initial_weight=1000)
        run_id = uuid.uuid4()
        failed = run_event(
            tenant.id,
            "production.run.failed.v1",
            {
                "run_id": str(run_id),
                "reason": "spaghetti",
                "materials": [{"spool_id": spool["id"], "waste_grams": 25}],
            },
        )
        cancelled = run_event(
            tenant.id,
            "production.run.cancelled.v1",
            {"run_id": str(uuid.uuid4()), "materials": [{"spool_id": spool["id"], "grams": 5}]},
        )
        completed = run_event(
            tenant.id,
            "production.run.completed.v1",
            {"run_id": str(run_id), "materials": [{"spool_id": spool["id"], "grams": 100}]},
        )
        for event in (failed, cancelled, completed):
            await worker["publish"](event)
            await eventually(lambda event=event: _inbox(admin_conn, event.event_id))
        reverted = run_event(
            tenant.id,
            "production.run.reverted.v1",
            {"run_id": str(run_id), "materials": [{"spool_id": spool["id"], "grams": 100}]},
        )
        await worker["publish"](reverted)
        await eventually(lambda: _inbox(admin_conn, reverted.event_id))
        assert await _ledger(admin_conn, spool["id"]) == [
            ("purchase", 1000.0, "purchase"),
            ("waste", -25.0, "run failed: spaghetti"),
            ("usage", -5.0, "run cancelled"),
            ("usage", -100.0, "run completed"),
            ("return", 100.0, "run reverted"),
        ]
        assert await _weight(admin_conn, spool["id"]) == 970
        link = await admin_conn.fetchrow(
            "select r.reversal_of_id, u.id as usage_id from inventory.inventory_transactions r"
            " join inventory.inventory_transactions u"
            " on u.kind = 'usage' and u.production_run_id = r.production_run_id"
            " where r.kind = 'return' and r.spool_id = $1",
            uuid.UUID(spool["id"]),
        )
        assert link["reversal_of_id"] == link["usage_id"]


async def test_an_invalid_event_goes_to_the_dead_letter_queue(
    api, admin_conn, inventory_db, batchivo_infra
) -> None:
    async with running_worker(inventory_db, batchivo_infra) as worker:
        tenant = api.tenant()
        spool = await api.spool(tenant)
        event = run_event(
            tenant.id,
            "production.run.completed.v1",
            {"run_id": str(uuid.uuid4()), "materials": [{"spool_id": spool["id"], "grams": 10}]},
        )
        broken = event.model_copy(
            update={"data": {"run_id": "nope", "materials": [{"spool_id": spool["id"], "grams": -1}]}}
        )
        await worker["publish"](broken)
        dlq = await worker["channel"].declare_queue(
            worker["names"].dead_letter_queue(RUN_COMPLETED), passive=True
        )
        message = await eventually(lambda: dlq.get(timeout=5, fail=False))
        await message.ack()
        assert message.message_id == str(event.event_id)
        assert "x-error" in message.headers
        assert await _ledger(admin_conn, spool["id"]) == [("purchase", 1000.0, "purchase")]


async def test_the_natural_key_stops_a_second_booking_without_the_inbox(
    api, inventory_db, admin_conn
) -> None:
    tenant = api.tenant()
    spool = await api.spool(tenant)
    event = run_event(
        tenant.id,
        "production.run.completed.v1",
        {"run_id": str(uuid.uuid4()), "materials": [{"spool_id": spool["id"], "grams": 10}]},
    )
    engine = create_engine(inventory_db.app_url, application_name="test")
    sessions = tenant_sessionmaker(engine)
    try:
        for _ in range(2):
            with tenant_scope(tenant.id):
                async with sessions() as session, session.begin():
                    await handlers.on_run_completed(session, event)
    finally:
        await engine.dispose()
    assert await _ledger(admin_conn, spool["id"]) == [
        ("purchase", 1000.0, "purchase"),
        ("usage", -10.0, "run completed"),
    ]


async def test_the_worker_relays_spool_events(api, inventory_db, batchivo_infra) -> None:
    async with running_worker(inventory_db, batchivo_infra) as worker:
        channel = worker["channel"]
        queue = await channel.declare_queue(exclusive=True)
        await queue.bind(worker["names"].events, routing_key="inventory.spool.created.v1")
        tenant = api.tenant()
        spool = await api.spool(tenant)
        message = await eventually(lambda: queue.get(timeout=5, fail=False))
        await message.ack()
        envelope = EventEnvelope.model_validate_json(message.body)
        assert envelope.tenant_id == tenant.id and envelope.data["spool_id"] == spool["id"]


async def _inbox(admin_conn, event_id: uuid.UUID) -> bool:
    return bool(
        await admin_conn.fetchval("select count(*) from inventory.inbox where event_id = $1", event_id)
    )


async def _outbox(admin_conn, tenant_id: uuid.UUID, event_type: str) -> list[dict[str, Any]]:
    import json

    rows = await admin_conn.fetch(
        "select envelope from inventory.outbox where tenant_id = $1 and event_type = $2 order by id",
        tenant_id,
        event_type,
    )
    return [json.loads(r["envelope"]) for r in rows]


async def test_unknown_and_foreign_spools_are_skipped_and_reported(api, inventory_db, admin_conn) -> None:
    tenant, other = api.tenant(), api.tenant()
    mine = await api.spool(tenant)
    theirs = await api.spool(other)
    ghost = str(uuid.uuid4())
    event = run_event(
        tenant.id,
        "production.run.completed.v1",
        {
            "run_id": str(uuid.uuid4()),
            "materials": [
                {"spool_id": mine["id"], "grams": 10},
                {"spool_id": theirs["id"], "grams": 20},
                {"spool_id": ghost, "grams": 30},
            ],
        },
    )
    engine = create_engine(inventory_db.app_url, application_name="test")
    try:
        with tenant_scope(tenant.id):
            async with tenant_sessionmaker(engine)() as session, session.begin():
                await handlers.on_run_completed(session, event)
    finally:
        await engine.dispose()
    assert await _weight(admin_conn, mine["id"]) == 990
    assert await _weight(admin_conn, theirs["id"]) == 1000
    recorded = await _outbox(admin_conn, tenant.id, "inventory.usage.recorded.v1")
    by_spool = {
        s["spool_id"]: (s["booked_grams"], s["discrepancy_grams"]) for s in recorded[0]["data"]["spools"]
    }
    assert by_spool == {mine["id"]: (10.0, 0.0), theirs["id"]: (0.0, 20.0), ghost: (0.0, 30.0)}
