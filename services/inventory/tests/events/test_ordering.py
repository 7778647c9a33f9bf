"""Run events travel on one queue per type, so a run's ``reverted`` can overtake its ``completed``: the
worker holds the revert back (retrying with back-off, never dead-lettering it) until the completion is
applied, so the ledger and the spool weight come out as if they had arrived in order."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import httpx
import pytest
from batchivo_common.contracts.production import RunCompletedV1, RunRevertedV1, SpoolGrams
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.messaging.relay import OutboxRecord, build_message
from batchivo_common.messaging.topology import Names, declare_all, delete_all
from batchivo_common.testing.polling import eventually
from batchivo_inventory.events.subscriptions import RUN_REVERTED, SUBSCRIPTIONS
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.worker import create_worker_app

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(120)]


@contextlib.asynccontextmanager
async def running_worker(inventory_db, batchivo_infra) -> AsyncIterator[dict[str, Any]]:
    prefix = f"{batchivo_infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
    settings = InventorySettings(**{**inventory_db.settings_overrides(batchivo_infra), "amqp_prefix": prefix})
    await declare_all(batchivo_infra.amqp_url, prefix, SUBSCRIPTIONS)
    app = create_worker_app(settings, configure_process=False, relay_poll_seconds=0.3)
    probe = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker")
    connection = await aio_pika.connect_robust(batchivo_infra.amqp_url)
    try:
        async with app.start_lifespan_context():
            await eventually(lambda: _ok(probe))
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.get_exchange(Names(prefix).events)

            async def publish(envelope: EventEnvelope) -> None:
                # On the wire exactly as a producer's outbox relay sends it.
                record = OutboxRecord(
                    0,
                    envelope.event_id,
                    envelope.event_type,
                    envelope.routing_key,
                    envelope.model_dump(mode="json"),
                    {},
                    envelope.occurred_at,
                )
                await exchange.publish(build_message(record, {}), routing_key=envelope.routing_key)

            yield {"publish": publish, "connection": connection, "names": Names(prefix)}
    finally:
        await probe.aclose()
        await connection.close()
        await delete_all(batchivo_infra.amqp_url, prefix, SUBSCRIPTIONS)


async def _ok(client: httpx.AsyncClient) -> bool:
    return (await client.get("/readyz")).status_code == 200


async def _depth(connection: aio_pika.abc.AbstractConnection, queue: str) -> int:
    probe = await connection.channel()
    try:
        declared = await probe.declare_queue(queue, passive=True)
        return int(declared.declaration_result.message_count or 0)
    finally:
        await probe.close()


async def test_a_revert_that_overtakes_its_completion_waits_for_it(
    api, admin_conn, inventory_db, batchivo_infra
) -> None:
    tenant = api.tenant()
    # 40 g on record but the run used 100 g: the completion books a discrepancy, so the order matters for
    # the weight (reverted first would end at 40 + 100 - 100 = 40, in order at 0 + 100 = 100).
    spool = await api.spool(tenant, initial_weight=1000, current_weight=40)
    spool_id = uuid.UUID(spool["id"])
    run_id = uuid.uuid4()
    materials = [SpoolGrams(spool_id=spool_id, grams=100)]
    completed = new_event(
        "production.run.completed.v1",
        producer="production",
        tenant_id=tenant.id,
        aggregate_id=run_id,
        data=RunCompletedV1(run_id=run_id, run_number="RUN-9", materials=materials),
    )
    reverted = new_event(
        "production.run.reverted.v1",
        producer="production",
        tenant_id=tenant.id,
        aggregate_id=run_id,
        data=RunRevertedV1(run_id=run_id, materials=materials),
    )
    async with running_worker(inventory_db, batchivo_infra) as worker:
        names: Names = worker["names"]
        await worker["publish"](reverted)
        first_tier = names.retry_tier_queues(RUN_REVERTED)[0]

        async def revert_waits() -> bool:
            return await _depth(worker["connection"], first_tier) == 1

        await eventually(revert_waits, within=15)  # held back in the first back-off tier
        assert await _weight(admin_conn, spool_id) == 40  # nothing booked yet
        await worker["publish"](completed)

        async def both_applied() -> bool:
            count = await admin_conn.fetchval(
                "select count(*) from inventory.inbox where event_id = any($1::uuid[])",
                [completed.event_id, reverted.event_id],
            )
            return bool(count == 2)

        await eventually(both_applied, within=30)
        assert await _depth(worker["connection"], names.dead_letter_queue(RUN_REVERTED)) == 0
    rows = await admin_conn.fetch(
        "select id, kind, delta, reversal_of_id from inventory.inventory_transactions"
        " where spool_id = $1 order by created_at, id",
        spool_id,
    )
    assert [(r["kind"], float(r["delta"])) for r in rows] == [
        ("purchase", 40.0),
        ("adjustment", 60.0),
        ("usage", -100.0),
        ("return", 100.0),
    ]
    assert rows[3]["reversal_of_id"] == rows[2]["id"]  # the return undoes that usage row
    assert await _weight(admin_conn, spool_id) == 100
    keys = await admin_conn.fetch(
        "select event_type, aggregate_key from inventory.inbox where tenant_id = $1 order by event_type",
        tenant.id,
    )
    assert [(r["event_type"], r["aggregate_key"]) for r in keys] == [
        ("production.run.completed.v1", f"run:{run_id}"),
        ("production.run.reverted.v1", f"run:{run_id}"),
    ]


async def _weight(admin_conn, spool_id: uuid.UUID) -> float:
    return float(
        await admin_conn.fetchval("select current_weight from inventory.spools where id = $1", spool_id)
    )
