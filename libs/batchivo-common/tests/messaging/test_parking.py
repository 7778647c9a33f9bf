"""Outbox rows the broker refuses are parked with their error and stop blocking later rows; they can be put
back in line (``scripts/redrive_dlq.py --unpark-outbox``). Real PostgreSQL and RabbitMQ: the refusal is a
genuine nack from a full ``reject-publish`` queue."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import uuid
from pathlib import Path

import pytest
from batchivo_common.messaging.broker import AmqpPublisher
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.relay import OutboxRelay, PublishFailed
from prometheus_client import REGISTRY

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(60)]

TYPE = "auth.tenant.created.v1"
REFUSED = "msgtest.refused.v1"
DATA = {"name": "Acme", "slug": "acme", "currency_code": "EUR"}
REPO = Path(__file__).resolve().parents[4]


def _load_redrive():
    spec = importlib.util.spec_from_file_location("redrive_dlq", REPO / "scripts" / "redrive_dlq.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def _insert(db, routing_key: str, envelope: dict) -> int:
    rows = await db.fetch(
        "insert into msgtest.outbox (event_id, tenant_id, event_type, routing_key, envelope)"
        " values ($1, $2, $3, $4, $5::jsonb) returning id",
        uuid.UUID(envelope["event_id"]),
        uuid.UUID(envelope["tenant_id"]),
        envelope["event_type"],
        routing_key,
        json.dumps(envelope),
    )
    return int(rows[0]["id"])


def _envelope() -> dict:
    return new_event(TYPE, producer="msgtest", tenant_id=uuid.uuid4(), data=DATA).model_dump(mode="json")


async def test_refused_and_malformed_rows_are_parked_and_later_rows_publish(clean_db, bus) -> None:
    db = clean_db
    connection = await bus.connect()
    publisher = AmqpPublisher(bus.amqp_url, prefix=bus.prefix)
    full = f"{bus.prefix}full.{uuid.uuid4().hex[:6]}"
    bus.extra_queues.append(full)
    try:
        channel = await connection.channel()
        # A queue that can hold nothing and refuses instead of dropping: the broker nacks every publish
        # routed to it.
        refusing = await channel.declare_queue(
            full, durable=False, arguments={"x-max-length": 0, "x-overflow": "reject-publish"}
        )
        await refusing.bind(bus.names.events, routing_key=REFUSED)
        probe = await bus.temp_queue(channel, TYPE)

        malformed = _envelope() | {"occurred_at": "last tuesday"}
        malformed_id = await _insert(db, TYPE, malformed)
        refused_id = await _insert(db, REFUSED, _envelope())
        good = _envelope()
        good_id = await _insert(db, TYPE, good)

        relay = OutboxRelay(
            db.relay_engine,
            db.outbox,
            publisher,
            f"msgtest.outbox.{uuid.uuid4().hex[:6]}",
            max_publish_attempts=2,
        )
        # 1st pass: the malformed row is parked at once; the nacked one counts 1 of 2 and holds the line.
        with pytest.raises(PublishFailed):
            await relay.publish_batch()
        rows = {r["id"]: r for r in await db.fetch("select * from msgtest.outbox")}
        assert rows[malformed_id]["parked_at"] is not None
        assert "Unpublishable: malformed outbox row" in rows[malformed_id]["last_error"]
        assert rows[refused_id]["parked_at"] is None and rows[refused_id]["attempts"] == 1
        assert rows[good_id]["published_at"] is None  # still behind the refused row: order is kept
        # 2nd pass: the refused row reaches its limit and is parked; the row behind it is published.
        assert await relay.publish_batch() == 2
        rows = {r["id"]: r for r in await db.fetch("select * from msgtest.outbox")}
        assert rows[refused_id]["parked_at"] is not None
        assert rows[refused_id]["attempts"] == 2
        assert "DeliveryError" in rows[refused_id]["last_error"]
        assert rows[good_id]["published_at"] is not None
        message = await probe.get(no_ack=True, timeout=5)
        assert message.message_id == good["event_id"]
        # The 1st pass published the good row too (pipelined) and the broker confirmed it, but it was behind
        # the refused row, so it was left unmarked and the 2nd pass published it again: a duplicate the
        # consumers' inbox absorbs (at-least-once), never a third copy.
        copies = 1
        while (again := await probe.get(no_ack=True, fail=False)) is not None:
            assert again.message_id == good["event_id"]
            copies += 1
        assert copies == 2

        assert await relay.refresh_metrics() == 0  # nothing waiting: parked rows are not the backlog
        sample = REGISTRY.get_sample_value
        assert sample("batchivo_outbox_parked", {"service": "msgtest"}) == 2
        assert sample("batchivo_outbox_oldest_age_seconds", {"service": "msgtest"}) == 0

        # Once the cause is gone (the full queue), unparking puts the row back in line and it publishes.
        await channel.queue_delete(full)
        refused_probe = await bus.temp_queue(channel, REFUSED)
        redrive = _load_redrive()
        assert await redrive.unpark_outbox(db.db.relay_url, "msgtest", [refused_id]) == 1
        assert await relay.publish_batch() == 1
        message = await refused_probe.get(no_ack=True, timeout=5)
        assert message.routing_key == REFUSED
        [row] = await db.fetch("select parked_at, published_at from msgtest.outbox where id = $1", refused_id)
        assert row["parked_at"] is None and row["published_at"] is not None
        await relay.refresh_metrics()
        assert sample("batchivo_outbox_parked", {"service": "msgtest"}) == 1  # the malformed one
    finally:
        await publisher.close()
        await connection.close()


async def test_a_broker_outage_is_not_counted_against_the_row(clean_db, bus) -> None:
    db = clean_db
    row_id = await _insert(db, TYPE, _envelope())
    # Nothing listens there: every connect fails, as when the broker is down.
    publisher = AmqpPublisher("amqp://guest:guest@127.0.0.1:1/", prefix=bus.prefix, confirm_timeout=1)
    relay = OutboxRelay(
        db.relay_engine,
        db.outbox,
        publisher,
        f"msgtest.outbox.{uuid.uuid4().hex[:6]}",
        max_publish_attempts=1,
    )
    for _ in range(3):
        with pytest.raises(PublishFailed):
            await asyncio.wait_for(relay.publish_batch(), timeout=20)
    [row] = await db.fetch("select attempts, parked_at, last_error from msgtest.outbox where id = $1", row_id)
    assert row["attempts"] == 0 and row["parked_at"] is None
    assert row["last_error"]
