"""Fixtures for the event-bus tests: a tiny ``msgtest`` schema with its roles, and per-test broker names.

The schema's outbox and inbox are created by the same migration helpers a service's Alembic migration
calls, run as the schema owner through ``alembic.operations.Operations``. Every queue and exchange a test
declares carries a per-test prefix and is deleted when the test ends.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aio_pika
import asyncpg
import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from batchivo_common.db import rls
from batchivo_common.db.base import service_metadata
from batchivo_common.db.engine import create_engine, tenant_sessionmaker
from batchivo_common.db.roles import ServiceRoles
from batchivo_common.messaging.inbox import add_inbox_ordering_and_purge, create_inbox_table, inbox_table
from batchivo_common.messaging.outbox import add_outbox_parking, create_outbox_table, outbox_table
from batchivo_common.messaging.topology import Names, QueueSpec, declare_all, delete_all
from batchivo_common.observability.tracing import configure_tracing
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra, create_service_schema
from batchivo_common.testing.polling import eventually
from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, Table, Text, Uuid
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

SCHEMA = "msgtest"
T = TypeVar("T")


@dataclass
class MsgDb:
    roles: ServiceRoles
    db: ServiceDatabase
    metadata: MetaData
    outbox: Table
    inbox: Table
    effects: Table
    app_engine: AsyncEngine
    relay_engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    async def admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.db.admin_url)

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await self.admin()
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()


def _effects_table(metadata: MetaData) -> Table:
    # What a test handler "does": one row per applied event, unique so a double effect would even fail.
    return Table(
        "effects",
        metadata,
        Column("event_id", Uuid, nullable=False),
        Column("tenant_id", Uuid, nullable=False),
        Column("note", Text, nullable=False),
        PrimaryKeyConstraint("event_id", name="pk_effects"),
    )


def _migrate(connection: Connection, roles: ServiceRoles) -> None:
    op = Operations(MigrationContext.configure(connection))
    create_outbox_table(op, SCHEMA, roles)
    create_inbox_table(op, SCHEMA, roles)
    # The later revision, as the services' second messaging migration applies it.
    add_outbox_parking(op, SCHEMA)
    add_inbox_ordering_and_purge(op, SCHEMA, roles)
    op.execute(
        f"CREATE TABLE {SCHEMA}.effects (event_id uuid CONSTRAINT pk_effects PRIMARY KEY,"
        " tenant_id uuid NOT NULL, note text NOT NULL)"
    )
    rls.enable_tenant_rls(op, SCHEMA, "effects")
    rls.grant(op, SCHEMA, "effects", roles.app, "SELECT, INSERT")


@pytest.fixture(scope="session")
async def msg_db(batchivo_infra: TestInfra) -> AsyncIterator[MsgDb]:
    infra = batchivo_infra
    configure_tracing("msgtest", None)  # a real (non-exporting) provider, so spans have trace ids
    db = await create_service_schema(infra, SCHEMA)
    roles = db.roles

    owner = create_engine(db.owner_url, application_name="msgtest-owner", pool_size=1, max_overflow=0)
    try:
        async with owner.begin() as connection:
            await connection.run_sync(_migrate, roles)
    finally:
        await owner.dispose()

    metadata = service_metadata(SCHEMA)
    app_engine = create_engine(db.app_url, application_name="msgtest-app", pool_size=5, max_overflow=5)
    relay_engine = create_engine(db.relay_url, application_name="msgtest-relay", pool_size=5, max_overflow=5)
    yield MsgDb(
        roles=roles,
        db=db,
        metadata=metadata,
        outbox=outbox_table(metadata),
        inbox=inbox_table(metadata),
        effects=_effects_table(metadata),
        app_engine=app_engine,
        relay_engine=relay_engine,
        sessions=tenant_sessionmaker(app_engine),
    )
    await app_engine.dispose()
    await relay_engine.dispose()


@pytest.fixture
async def clean_db(msg_db: MsgDb) -> MsgDb:
    """``msg_db`` with its tables emptied (a test's rows never leak into the next)."""
    conn = await msg_db.admin()
    try:
        await conn.execute(f"TRUNCATE {SCHEMA}.outbox, {SCHEMA}.inbox, {SCHEMA}.effects RESTART IDENTITY")
    finally:
        await conn.close()
    return msg_db


@dataclass
class Bus:
    """Per-test broker names; everything declared through it is deleted at teardown."""

    amqp_url: str
    prefix: str
    specs: list[QueueSpec] = field(default_factory=list)
    extra_queues: list[str] = field(default_factory=list)

    @property
    def names(self) -> Names:
        return Names(self.prefix)

    async def declare(self, *specs: QueueSpec) -> None:
        self.specs.extend(specs)
        await declare_all(self.amqp_url, self.prefix, specs)

    async def connect(self) -> aio_pika.abc.AbstractRobustConnection:
        return await aio_pika.connect_robust(self.amqp_url)

    async def temp_queue(
        self, channel: aio_pika.abc.AbstractChannel, *bindings: str
    ) -> aio_pika.abc.AbstractQueue:
        name = f"{self.prefix}probe.{uuid.uuid4().hex[:6]}"
        self.extra_queues.append(name)
        queue = await channel.declare_queue(name, durable=False, auto_delete=True)
        for binding in bindings:
            await queue.bind(self.names.events, routing_key=binding)
        return queue

    async def depth(self, queue: str) -> int:
        connection = await self.connect()
        try:
            channel = await connection.channel()
            declared = await channel.declare_queue(queue, passive=True)
            return int(declared.declaration_result.message_count or 0)
        finally:
            await connection.close()

    async def cleanup(self) -> None:
        await delete_all(self.amqp_url, self.prefix, self.specs)
        connection = await self.connect()
        try:
            channel = await connection.channel()
            for queue in self.extra_queues:
                await channel.queue_delete(queue)
        finally:
            await connection.close()


@pytest.fixture
async def bus(batchivo_infra: TestInfra) -> AsyncIterator[Bus]:
    bus = Bus(batchivo_infra.amqp_url, f"{batchivo_infra.amqp_prefix}{uuid.uuid4().hex[:8]}.")
    await declare_all(bus.amqp_url, bus.prefix, [])  # the three exchanges
    try:
        yield bus
    finally:
        await bus.cleanup()


@pytest.fixture
def wait_for() -> Callable[..., Awaitable[Any]]:
    return eventually
