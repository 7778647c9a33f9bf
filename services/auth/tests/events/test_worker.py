"""The auth worker relays ``auth.tenant.created.v1`` from the outbox to the broker (real RabbitMQ)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import aio_pika
import asyncpg
import httpx
import pytest
from batchivo_auth.settings import AuthSettings
from batchivo_auth.worker import create_worker_app
from batchivo_common.messaging.envelope import EventEnvelope
from batchivo_common.messaging.topology import Names, declare_all, delete_all
from batchivo_common.testing.polling import eventually
from pydantic import SecretStr

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.timeout(60)]

TENANT_CREATED = "auth.tenant.created.v1"


@pytest.fixture
async def amqp_prefix(batchivo_infra) -> AsyncIterator[str]:
    prefix = f"{batchivo_infra.amqp_prefix}{uuid.uuid4().hex[:8]}."
    await declare_all(batchivo_infra.amqp_url, prefix, [])
    try:
        yield prefix
    finally:
        await delete_all(batchivo_infra.amqp_url, prefix, [])


async def test_the_worker_publishes_the_tenant_created_event(
    api, auth_db, batchivo_infra, amqp_prefix, signing_key
) -> None:
    settings = AuthSettings(
        **{**auth_db.settings_overrides(batchivo_infra), "amqp_prefix": amqp_prefix},
        signing_key=SecretStr(signing_key.to_pem().decode()),
    )
    connection = await aio_pika.connect_robust(batchivo_infra.amqp_url)
    worker = create_worker_app(settings, configure_process=False)
    probe = httpx.AsyncClient(transport=httpx.ASGITransport(app=worker), base_url="http://worker")
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(exclusive=True)
        await queue.bind(Names(amqp_prefix).events, routing_key=TENANT_CREATED)

        async with worker.start_lifespan_context():
            await eventually(lambda: _ok(probe, "/readyz"))
            account = await api.register(tenant_name="Relay Works")
            message = await eventually(lambda: queue.get(timeout=5, fail=False))
            await message.ack()

            envelope = EventEnvelope.model_validate_json(message.body)
            assert envelope.event_type == TENANT_CREATED
            assert envelope.tenant_id == account.tenant_id
            assert envelope.data == {"name": "Relay Works", "slug": "relay-works", "currency_code": "GBP"}
            assert message.message_id == str(envelope.event_id)
            assert message.type == TENANT_CREATED

            async def published() -> bool:
                conn = await asyncpg.connect(auth_db.admin_url)
                try:
                    return bool(await conn.fetchval("select published_at is not null from auth.outbox"))
                finally:
                    await conn.close()

            await eventually(published)
    finally:
        await probe.aclose()
        await connection.close()


async def _ok(client: httpx.AsyncClient, path: str) -> bool:
    return (await client.get(path)).status_code == 200
