"""The whole path in one process: API-side outbox write → worker relay → broker → worker consumer.

Also the ``declare-topology`` CLI and the DLQ redrive script.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import uuid
from pathlib import Path

import aio_pika
import httpx
import pytest
from batchivo_common.db.tenancy import tenant_scope
from batchivo_common.messaging.broker import AmqpPublisher
from batchivo_common.messaging.envelope import new_event
from batchivo_common.messaging.outbox import add_event
from batchivo_common.messaging.topology import QueueSpec, delete_all
from batchivo_common.messaging.worker import create_worker
from batchivo_common.settings import ServiceSettings

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(90)]

TYPE = "auth.tenant.created.v1"
DATA = {"name": "Acme", "slug": "acme", "currency_code": "EUR"}
REPO = Path(__file__).resolve().parents[4]


async def test_worker_relays_consumes_and_serves_probes(clean_db, bus, wait_for) -> None:
    db = clean_db
    spec = QueueSpec("msgtest", "worker_e2e", (TYPE,))
    bus.specs.append(spec)  # the worker declares it; the fixture deletes it
    applied = []

    async def handler(session, envelope) -> None:
        applied.append(envelope.event_id)
        await session.execute(
            db.effects.insert().values(event_id=envelope.event_id, tenant_id=envelope.tenant_id, note="e2e")
        )

    settings = ServiceSettings(
        environment="test",
        service_name="msgtest",
        db_schema="msgtest",
        database_url=db.db.app_url,
        relay_database_url=db.db.relay_url,
        owner_database_url=db.db.owner_url,
        amqp_url=bus.amqp_url,
        amqp_prefix=bus.prefix,
        db_role_suffix=db.roles.suffix,
    )
    # No sessionmaker given: the worker builds one from database_url and checks the app role.
    app = create_worker(
        settings,
        service="msgtest",
        relay_table=db.outbox,
        inbox=db.inbox,
        subscriptions=[(spec, handler)],
        configure_process=False,
        relay_poll_seconds=0.5,
    )
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker")
    async with app.start_lifespan_context():

        async def ready() -> bool:
            return (await client.get("/readyz")).status_code == 200

        await wait_for(ready, within=15)
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        await wait_for(lambda: _true(app.relay is not None and app.relay.is_leader))

        tenant = uuid.uuid4()
        event = new_event(TYPE, producer="msgtest", tenant_id=tenant, data=DATA)
        with tenant_scope(tenant):
            async with db.sessions() as session, session.begin():
                await add_event(session, db.outbox, event)

        async def effect():
            return await db.fetch("select event_id, tenant_id from msgtest.effects")

        [row] = await wait_for(effect, within=15)
        assert (row["event_id"], row["tenant_id"]) == (event.event_id, tenant)
        assert applied == [event.event_id]

        async def marked():
            return await db.fetch("select 1 from msgtest.outbox where published_at is not null")

        await wait_for(marked)
        metrics = (await client.get("/metrics")).text
        assert "batchivo_outbox_backlog" in metrics
        assert "batchivo_outbox_age_seconds" in metrics
        assert "batchivo_outbox_publish_failures_total" in metrics
    await client.aclose()
    assert app.relay_task is None
    assert app.relay is not None
    assert not app.relay.is_leader


async def _true(value: bool) -> bool:
    return value


async def test_topology_cli_declares_the_given_specs(bus, tmp_path) -> None:
    module = tmp_path / "msgtest_specs.py"
    module.write_text(
        "from batchivo_common.messaging.topology import QueueSpec\n"
        f"QUEUES = [QueueSpec('msgtest', 'cli', ({TYPE!r},))]\n"
    )
    spec = QueueSpec("msgtest", "cli", (TYPE,))
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "batchivo_common.messaging.topology",
            "--spec",
            "msgtest_specs:QUEUES",
            "--amqp-url",
            bus.amqp_url,
            "--prefix",
            bus.prefix,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        async with asyncio.timeout(60):
            _, stderr = await process.communicate()
        assert process.returncode == 0, stderr.decode()
        for queue in (bus.names.queue(spec), bus.names.retry_queue(spec), bus.names.dead_letter_queue(spec)):
            assert await bus.depth(queue) == 0  # exists (a passive declare would fail otherwise)
    finally:
        await delete_all(bus.amqp_url, bus.prefix, [spec], exchanges=False)


def _load_redrive():
    spec = importlib.util.spec_from_file_location("redrive_dlq", REPO / "scripts" / "redrive_dlq.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_redrive_moves_dlq_messages_back_keeping_id_and_headers(bus) -> None:
    redrive = _load_redrive()
    spec = QueueSpec("msgtest", "redrive", (TYPE,))
    await bus.declare(spec)
    publisher = AmqpPublisher(bus.amqp_url, prefix=bus.prefix)
    try:
        for n in range(2):
            await publisher.dead_letter(
                bus.names.queue(spec),
                aio_pika.Message(
                    b"{}",
                    message_id=f"m-{n}",
                    type=TYPE,
                    headers={
                        "x-error": "boom",
                        "traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01",
                        "x-death": [{"queue": bus.names.queue(spec), "reason": "rejected", "count": 4}],
                    },
                ),
            )
    finally:
        await publisher.close()
    assert await bus.depth(bus.names.dead_letter_queue(spec)) == 2

    assert await redrive.redrive(bus.amqp_url, spec.name, prefix=bus.prefix, limit=1) == 1
    assert await redrive.redrive(bus.amqp_url, spec.name, prefix=bus.prefix) == 1
    assert await bus.depth(bus.names.dead_letter_queue(spec)) == 0

    connection = await bus.connect()
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(bus.names.queue(spec), passive=True)
        moved = [await queue.get(no_ack=True), await queue.get(no_ack=True)]
    finally:
        await connection.close()
    assert [m.message_id for m in moved] == ["m-0", "m-1"]
    for message in moved:
        assert message.type == TYPE
        assert message.headers["traceparent"].startswith("00-111")
        assert message.headers["x-redriven-error"] == "boom"
        assert "x-death" not in message.headers
        assert "x-error" not in message.headers
