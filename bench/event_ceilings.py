"""The event path's ceilings (issue 14, scale-out): how many events/s inventory's outbox relay moves from
commit to broker, and how many ``production.run.completed.v1`` events/s inventory's consumer applies.

Starts auth, inventory and the gateway with the shared ``harness.stack()`` (a throwaway database, roles,
Redis prefix and AMQP prefix), registers one shop through the gateway and creates a filament type and
``--spools`` spools of 100 kg through the API. Then:

1. **Consumer ceiling.** With no worker running, it declares inventory's queues and publishes ``--events``
   valid ``production.run.completed.v1`` events (``--spools-per-run`` spools, 1.25 g each, spread over the
   spools) straight to the events exchange, with confirms. Then it starts the inventory worker
   (``batchivo_inventory.worker``, one uvicorn process: its consumers and its relay) and waits until the
   inbox holds every event. Rate = events ÷ (last - first inbox ``processed_at``), so the worker's start-up
   is not in it. Checked: one inbox row per event, ``events x spools-per-run`` usage rows in the ledger, one
   per (event, spool), and every spool's weight = 100 kg - its uses x 1.25 g; nothing in the DLQ.
2. **Relay ceiling, burst.** Once the worker's own backlog is published, ``--events`` outbox rows
   (``inventory.spool.updated.v1`` envelopes made with ``new_event``, the row shape of ``outbox.add_event``,
   inserted as the superuser) are committed in one transaction with the NOTIFY ``add_event`` sends: the
   relay sees the whole backlog at once, as if it had been stopped. A quorum queue bound to the exchange
   (like production's ``production.spools``, the real subscriber of this event) counts what
   arrives. Rate = events ÷ (commit → last arrival); the time until every row is marked published is
   printed beside it. The same burst is measured first with an in-memory classic queue bound instead,
   which the broker confirms without a quorum write: the difference is what the broker's confirm costs.
   Then the broker alone: the same kind of messages published from this process to the quorum-bound
   exchange, awaiting each confirm (as the relay does) and with 100 in flight.
3. **Relay, steady.** Rows committed one per transaction (like API requests) at ``--rate`` per second
   (default: half the burst rate) for ``--steady-seconds``, open loop; lag = arrival at the probe - the
   commit's return, p50/p99.

CPU seconds per 1,000 events of the worker process, its PostgreSQL backends and RabbitMQ (``/proc``) are
printed with each phase: CPU time, unlike wall time, does not depend on what else the shared box is doing.
The 1-minute load average is printed with every figure. Everything is removed at the end (database, roles,
Redis keys, inventory's queues and exchanges under the AMQP prefix, the probe queue).

``uv run python bench/event_ceilings.py`` (5,000 events); ``--events 500 --steady-seconds 3`` for a quick
check; ``--profile`` adds where the worker's CPU goes while it consumes (py-spy, by library).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg
import httpx
import profiles
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.messaging.outbox import event_headers, notify_channel
from batchivo_common.messaging.relay import OutboxRecord, build_message
from batchivo_common.messaging.topology import Names, declare_all, delete_all
from batchivo_inventory.events.subscriptions import RUN_COMPLETED, SUBSCRIPTIONS
from harness import ROOT, UVICORN, free_port, process, stack, wait_ready

SCHEMA = "inventory"
SPOOL_GRAMS = 100_000
RUN_GRAMS = 1.25
AMQP_URL = os.environ.get("BATCHIVO_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
#: The state event the probe counts: the commonest event inventory's relay publishes.
PROBE_EVENT = "inventory.spool.updated.v1"
PROFILE_SECONDS = 10.0
PROFILE_DIR = ROOT / "bench" / "results" / "profiles"
#: One INSERT per this many outbox rows (six arrays of this length per statement).
INSERT_CHUNK = 1_000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else float("nan")
    )


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


async def ok(response: Any, status: int) -> dict[str, Any]:
    r = await response
    if r.status_code != status:
        raise RuntimeError(f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text}")
    body: dict[str, Any] = r.json()
    return body


async def wait_for(check: Any, within: float, what: str, every: float = 0.05) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {within:.0f} s waiting for {what}")
        await asyncio.sleep(every)


def broker_pids() -> list[int]:
    """RabbitMQ's Erlang VM on this machine (shared with other sessions' tests: its CPU is indicative)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "beam.smp":
                    found.append(int(entry.name))
    return found


class Cpu:
    """CPU seconds of the worker process, of its PostgreSQL backends (app and relay roles) and of the broker
    between ``start()`` and ``spent()``; backends that appear in between count from zero."""

    def __init__(self, db: asyncpg.Connection, worker_pid: int):
        self.db, self.worker_pid, self.broker = db, worker_pid, broker_pids()
        self.before: tuple[float, dict[int, float], float] = (0.0, {}, 0.0)

    async def _backends(self) -> dict[int, float]:
        rows = await self.db.fetch(
            "select pid from pg_stat_activity where datname = current_database()"
            " and application_name in ('inventory-worker', 'inventory-relay')"
        )
        return {int(r["pid"]): profiles.cpu_seconds([int(r["pid"])]) for r in rows}

    async def start(self) -> None:
        worker, broker = profiles.cpu_seconds([self.worker_pid]), profiles.cpu_seconds(self.broker)
        self.before = (worker, await self._backends(), broker)

    async def spent(self) -> tuple[float, float, float]:
        worker, backends = profiles.cpu_seconds([self.worker_pid]), await self._backends()
        pg = sum(cpu - self.before[1].get(pid, 0.0) for pid, cpu in backends.items())
        broker = profiles.cpu_seconds(self.broker) - self.before[2]
        return worker - self.before[0], pg, broker


def per_thousand(cpu: tuple[float, float, float], events: int) -> str:
    worker, pg, broker = (1000 * value / events for value in cpu)
    return (
        f"CPU per 1,000 events: worker {worker:.2f} s, its PostgreSQL backends {pg:.2f} s,"
        f" RabbitMQ {broker:.2f} s (the broker is shared: indicative)"
    )


# --- setup --------------------------------------------------------------------------------------------------


@dataclass
class Shop:
    tenant_id: uuid.UUID
    spools: list[uuid.UUID]


async def make_shop(gateway: str, db: asyncpg.Connection, spools: int) -> Shop:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        reg = await ok(
            client.post(
                "/api/v1/auth/register",
                json={
                    "email": f"{uuid.uuid4().hex[:8]}@example.com",
                    "password": "correct horse battery",
                    "full_name": "Bench",
                    "tenant_name": "Bench Events",
                },
            ),
            201,
        )
        client.headers["Authorization"] = f"Bearer {reg['access_token']}"
        materials = (await client.get("/api/v1/material-types?limit=200")).json()["items"]
        pla = next(m for m in materials if m["code"] == "PLA")
        kind = await ok(
            client.post(
                "/api/v1/filament-types",
                json={"material_type_id": pla["id"], "brand": "Bench", "color_name": "Red"},
            ),
            201,
        )
        ids = []
        for _ in range(spools):
            spool = await ok(
                client.post(
                    "/api/v1/spools",
                    json={
                        "filament_type_id": kind["id"],
                        "initial_weight": SPOOL_GRAMS,
                        "purchase_price": 20,
                    },
                ),
                201,
            )
            ids.append(uuid.UUID(spool["id"]))
    tenant = await db.fetchval(f"select tenant_id from {SCHEMA}.spools where id = $1", ids[0])
    return Shop(tenant, ids)


# --- consumer ceiling ---------------------------------------------------------------------------------------


def run_events(shop: Shop, count: int, per_run: int) -> list[EventEnvelope]:
    """``count`` completed runs, run *i* taking RUN_GRAMS from spools *i* … *i+per_run-1* (mod the spools)."""
    events = []
    for i in range(count):
        run_id = uuid.uuid4()
        materials = [
            {"spool_id": str(shop.spools[(i + k) % len(shop.spools)]), "grams": RUN_GRAMS}
            for k in range(per_run)
        ]
        events.append(
            new_event(
                "production.run.completed.v1",
                producer="production",
                tenant_id=shop.tenant_id,
                aggregate_id=run_id,
                data={"run_id": str(run_id), "run_number": f"R-{i + 1}", "materials": materials},
            )
        )
    return events


async def publish(prefix: str, events: list[EventEnvelope]) -> float:
    """Publish straight to the events exchange with confirms (200 in flight); returns the seconds taken."""
    started = time.perf_counter()
    connection = await aio_pika.connect_robust(AMQP_URL)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(Names(prefix).events, ensure=True)
        for start in range(0, len(events), 200):
            messages = []
            for envelope in events[start : start + 200]:
                body = envelope.model_dump(mode="json")
                record = OutboxRecord(
                    0,
                    envelope.event_id,
                    envelope.event_type,
                    envelope.routing_key,
                    body,
                    {},
                    envelope.occurred_at,
                )
                messages.append((build_message(record, event_headers(envelope)), envelope.routing_key))
            await asyncio.gather(*(exchange.publish(m, key, timeout=30) for m, key in messages))
    finally:
        await connection.close()
    return time.perf_counter() - started


async def check_applied(
    db: asyncpg.Connection, shop: Shop, events: list[EventEnvelope], per_run: int
) -> list[str]:
    """What is wrong with the applied events (empty: each applied exactly once, weights right)."""
    problems = []
    ids = [e.event_id for e in events]
    inbox = await db.fetchval(
        f"select count(*) from {SCHEMA}.inbox where consumer = $1 and event_id = any($2::uuid[])",
        RUN_COMPLETED.name,
        ids,
    )
    if inbox != len(events):
        problems.append(f"inbox rows {inbox} != events {len(events)}")
    rows, pairs, wrong = await db.fetchrow(
        f"select count(*), count(distinct (source_event_id, spool_id)),"
        f" count(*) filter (where kind <> 'usage' or delta <> $2)"
        f" from {SCHEMA}.inventory_transactions where source_event_id = any($1::uuid[])",
        ids,
        -RUN_GRAMS,
    )
    expected = len(events) * per_run
    if rows != expected or pairs != expected or wrong:
        problems.append(
            f"ledger rows {rows}, distinct (event, spool) {pairs}, not usage of -{RUN_GRAMS} g {wrong};"
            f" expected {expected}"
        )
    uses = [0] * len(shop.spools)
    for i in range(len(events)):
        for k in range(per_run):
            uses[(i + k) % len(shop.spools)] += 1
    weights = dict(
        await db.fetch(
            f"select id, current_weight from {SCHEMA}.spools where id = any($1::uuid[])", shop.spools
        )
    )
    for spool, used in zip(shop.spools, uses, strict=True):
        want = SPOOL_GRAMS - used * RUN_GRAMS
        if float(weights[spool]) != want:
            problems.append(f"spool {spool}: {weights[spool]} g, expected {want} g")
    connection = await aio_pika.connect_robust(AMQP_URL)
    try:
        channel = await connection.channel()
        dlq = await channel.declare_queue(Names(PREFIX).dead_letter_queue(RUN_COMPLETED), passive=True)
        if dlq.declaration_result.message_count:
            problems.append(f"{dlq.declaration_result.message_count} message(s) in the DLQ")
    finally:
        await connection.close()
    return problems


# --- relay ceiling ------------------------------------------------------------------------------------------


class Probe:
    """A quorum queue on the events exchange bound to PROBE_EVENT: when each event id arrived."""

    def __init__(self, prefix: str, *, quorum: bool = True):
        self.quorum = quorum
        self.name = f"{prefix}bench.relay_probe.{'quorum' if quorum else 'classic'}"
        self.events = Names(prefix).events
        self.arrived: dict[str, float] = {}
        self.duplicates = 0
        self._connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._queue: aio_pika.abc.AbstractQueue | None = None
        self._tag: str | None = None

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(AMQP_URL)
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=1000)
        if self.quorum:
            # As production's own subscriber of this event: the broker confirms after a quorum write.
            queue = await channel.declare_queue(self.name, durable=True, arguments={"x-queue-type": "quorum"})
        else:
            # In memory, nothing to replicate or sync: isolates what the relay itself costs.
            queue = await channel.declare_queue(self.name, durable=False, auto_delete=True)
        await queue.bind(self.events, routing_key=PROBE_EVENT)
        self._queue, self._tag = queue, await queue.consume(self._on_message)

    async def _on_message(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        now = time.perf_counter()
        key = str(message.message_id)
        if key in self.arrived:
            self.duplicates += 1
        else:
            self.arrived[key] = now
        await message.ack()

    async def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                if self._queue is not None and self._tag is not None:
                    await self._queue.cancel(self._tag)
                channel = await self._connection.channel()
                await channel.queue_delete(self.name)
            connection, self._connection = self._connection, None
            await connection.close()

    def count(self, ids: list[str]) -> int:
        return sum(1 for i in ids if i in self.arrived)


async def broker_alone(prefix: str, events: list[EventEnvelope], in_flight: int) -> float:
    """The same messages published from here with ``in_flight`` unconfirmed at a time (1: as the relay
    publishes, each confirm awaited before the next); returns messages/s."""
    messages = []
    for envelope in events:
        body = envelope.model_dump(mode="json")
        record = OutboxRecord(
            0,
            envelope.event_id,
            envelope.event_type,
            envelope.routing_key,
            body,
            {},
            envelope.occurred_at,
        )
        messages.append(build_message(record, event_headers(envelope)))
    connection = await aio_pika.connect_robust(AMQP_URL)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(Names(prefix).events, ensure=True)
        started = time.perf_counter()
        for start in range(0, len(messages), in_flight):
            chunk = messages[start : start + in_flight]
            await asyncio.gather(*(exchange.publish(m, PROBE_EVENT, timeout=30) for m in chunk))
        return len(messages) / (time.perf_counter() - started)
    finally:
        await connection.close()


def spool_updates(shop: Shop, count: int) -> list[EventEnvelope]:
    return [
        new_event(
            PROBE_EVENT,
            producer="inventory",
            tenant_id=shop.tenant_id,
            aggregate_id=shop.spools[i % len(shop.spools)],
            aggregate_version=i + 2,
            data={
                "spool_id": str(shop.spools[i % len(shop.spools)]),
                "code": f"FIL-{i % len(shop.spools) + 1:03d}",
                "filament_type_id": str(uuid.uuid4()),
                "material_code": "PLA",
                "brand": "Bench",
                "color_name": "Red",
                "initial_weight": SPOOL_GRAMS,
                "current_weight": SPOOL_GRAMS - i * 0.01,
                "purchase_price": 20.0,
                "location": "Shelf A",
                "cost_per_gram": 0.0002,
                "is_archived": False,
            },
        )
        for i in range(count)
    ]


def columns(events: list[EventEnvelope]) -> list[list[Any]]:
    """The six columns ``outbox.add_event`` writes, as arrays for one ``unnest`` INSERT."""
    return [
        [e.event_id for e in events],
        [e.tenant_id for e in events],
        [e.event_type for e in events],
        [e.routing_key for e in events],
        [json.dumps(e.model_dump(mode="json")) for e in events],
        [json.dumps(event_headers(e)) for e in events],
    ]


INSERT_ROWS = (
    f"insert into {SCHEMA}.outbox (event_id, tenant_id, event_type, routing_key, envelope, headers)"
    " select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]::jsonb[],"
    " $6::text[]::jsonb[])"
)
#: ``add_event``'s one round trip: the INSERT as a CTE of the NOTIFY that wakes the relay at commit.
INSERT_ONE = (
    f"with added as (insert into {SCHEMA}.outbox (event_id, tenant_id, event_type, routing_key, envelope,"
    " headers) values ($1, $2, $3, $4, $5::jsonb, $6::jsonb)) select pg_notify($7, '')"
)


async def unpublished(db: asyncpg.Connection) -> int:
    return int(await db.fetchval(f"select count(*) from {SCHEMA}.outbox where published_at is null"))


async def burst(db: asyncpg.Connection, probe: Probe, events: list[EventEnvelope], cpu: Cpu) -> float:
    """Commit ``events`` as outbox rows in one transaction; events/s from the commit to the last arrival."""
    ids = [str(e.event_id) for e in events]
    async with db.transaction():
        for start in range(0, len(events), INSERT_CHUNK):
            await db.execute(INSERT_ROWS, *columns(events[start : start + INSERT_CHUNK]))
        await db.execute("select pg_notify($1, '')", notify_channel(SCHEMA))
        await cpu.start()
    committed = time.perf_counter()

    async def all_arrived() -> bool:
        return probe.count(ids) == len(ids)

    await wait_for(all_arrived, 60 + len(ids) / 20, "the burst to arrive", every=0.005)
    last = max(probe.arrived[i] for i in ids)

    async def all_marked() -> bool:
        return await unpublished(db) == 0

    await wait_for(all_marked, 60, "the burst to be marked published", every=0.005)
    marked = time.perf_counter()
    spent = await cpu.spent()
    rate = len(ids) / (last - committed)
    print(
        f"relay burst ({'quorum' if probe.quorum else 'classic'} queue bound):"
        f" {len(ids):,} rows committed at once → last arrival {last - committed:.2f} s,"
        f" all marked published {marked - committed:.2f} s: **{rate:,.0f} events/s** (load {load()})"
    )
    print(f"  {per_thousand(spent, len(ids))}; probe duplicates {probe.duplicates}")
    return rate


async def steady(
    db: asyncpg.Connection, probe: Probe, events: list[EventEnvelope], rate: float, cpu: Cpu
) -> None:
    channel = notify_channel(SCHEMA)
    commits: dict[str, float] = {}
    await cpu.start()
    started = time.perf_counter()
    for i, e in enumerate(events):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        row = columns([e])
        await db.execute(INSERT_ONE, *(column[0] for column in row), channel)
        commits[str(e.event_id)] = time.perf_counter()
    sent = time.perf_counter() - started
    ids = list(commits)

    async def all_arrived() -> bool:
        return probe.count(ids) == len(ids)

    await wait_for(all_arrived, 120, "the steady rows to arrive", every=0.01)
    spent = await cpu.spent()
    lags = [1000 * (probe.arrived[i] - commits[i]) for i in ids]
    fifth = max(1, len(lags) // 5)
    first, last = statistics.median(lags[:fifth]), statistics.median(lags[-fifth:])
    print(
        f"relay steady: {len(ids):,} rows, one per transaction, at {len(ids) / sent:,.0f}/s"
        f" (asked {rate:,.0f}/s) → commit-to-arrival lag p50 **{pct(lags, 50):.1f} ms**,"
        f" p99 **{pct(lags, 99):.1f} ms**, max {max(lags):.1f} ms; median of the first / last fifth"
        f" {first:.1f} / {last:.1f} ms (load {load()})"
    )
    print(f"  {per_thousand(spent, len(ids))}")


# --- the run ------------------------------------------------------------------------------------------------

PREFIX = ""  # set once the stack is up: the bench's AMQP prefix


async def run(args: argparse.Namespace) -> int:
    global PREFIX
    failed = False
    async with stack("event_ceilings") as s:
        assert s.env is not None
        PREFIX = s.env["BATCHIVO_AMQP_PREFIX"]
        probe, classic = Probe(PREFIX), Probe(PREFIX, quorum=False)
        try:
            shop = await make_shop(s.gateway, s.db, args.spools)
            print(f"shop with {len(shop.spools)} spools of {SPOOL_GRAMS:,} g (load {load()})")
            await declare_all(AMQP_URL, PREFIX, SUBSCRIPTIONS)
            events = run_events(shop, args.events, args.spools_per_run)
            took = await publish(PREFIX, events)
            rate = len(events) / took
            print(f"published {len(events):,} run.completed events in {took:.2f} s ({rate:,.0f}/s)")

            port = free_port()
            log = ROOT / "bench" / "results" / "event_ceilings-inventory-worker.log"
            command = [*UVICORN, "--port", str(port), "batchivo_inventory.worker:create_worker_app"]
            launched = time.perf_counter()
            with process(command, s.env, log) as worker:
                cpu = Cpu(s.db, worker.pid)
                await wait_ready(f"http://127.0.0.1:{port}/readyz", worker, log)

                async def applied() -> int:
                    count = await s.db.fetchval(
                        f"select count(*) from {SCHEMA}.inbox where consumer = $1", RUN_COMPLETED.name
                    )
                    return int(count)

                # CPU from here on: the process's start-up (imports, connections) is not the events' cost.
                await cpu.start()
                at_ready = await applied()
                if args.profile and profiles.available():
                    # While it consumes (py-spy in non-blocking mode: it barely slows the sampled process).
                    seconds = PROFILE_SECONDS
                    with profiles.recording({"worker": worker.pid}, PROFILE_DIR, "event_ceilings", seconds):
                        await asyncio.sleep(seconds + 0.5)

                async def all_applied() -> bool:
                    return await applied() >= len(events)

                await wait_for(all_applied, 120 + len(events) / 5, "every run to be applied", every=0.05)
                wall = time.perf_counter() - launched
                spent = await cpu.spent()
                first, last = await s.db.fetchrow(
                    f"select min(processed_at), max(processed_at) from {SCHEMA}.inbox where consumer = $1",
                    RUN_COMPLETED.name,
                )
                span = (last - first).total_seconds()
                rate = (len(events) - 1) / span if span > 0 else float("inf")
                print(
                    f"consumer: {len(events):,} events applied in {span:.2f} s (first → last inbox row):"
                    f" **{rate:,.1f} events/s** ({rate * args.spools_per_run:,.0f} ledger rows/s);"
                    f" {wall:.1f} s from the worker's launch (load {load()})"
                )
                print(
                    f"  {per_thousand(spent, len(events) - at_ready)} (the {len(events) - at_ready:,} applied"
                    " after /readyz); the same process's relay published the runs' events meanwhile"
                )
                if args.profile and profiles.available():
                    profiles.print_summary(PROFILE_DIR, "event_ceilings", ["worker"])
                problems = await check_applied(s.db, shop, events, args.spools_per_run)
                for problem in problems:
                    print(f"  FAIL: {problem}")
                failed |= bool(problems)
                print(f"  applied exactly once, weights match: {'FAIL' if problems else 'OK'}")

                async def drained() -> bool:
                    return await unpublished(s.db) == 0

                await wait_for(drained, 300, "the worker's own events to be published", every=0.1)
                await classic.start()
                await burst(s.db, classic, spool_updates(shop, args.events), cpu)
                await classic.close()
                await probe.start()
                burst_rate = await burst(s.db, probe, spool_updates(shop, args.events), cpu)
                size = min(args.events, 2_000)
                one = await broker_alone(PREFIX, spool_updates(shop, size), 1)
                many = await broker_alone(PREFIX, spool_updates(shop, size), 100)
                print(
                    f"broker alone, the same messages from this process to the quorum-bound exchange:"
                    f" {one:,.0f}/s awaiting each confirm (as the relay does), {many:,.0f}/s with 100"
                    f" in flight (load {load()})"
                )
                rate_asked = args.rate or max(1.0, round(burst_rate / 2))
                count = max(1, int(rate_asked * args.steady_seconds))
                await steady(s.db, probe, spool_updates(shop, count), rate_asked, cpu)
                if probe.duplicates:
                    print(f"  note: {probe.duplicates} duplicate deliveries at the probe (at-least-once)")
        finally:
            await probe.close()
            await classic.close()
            with contextlib.suppress(Exception):
                await delete_all(AMQP_URL, PREFIX, SUBSCRIPTIONS)
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=5_000, help="events per ceiling (default 5,000)")
    parser.add_argument("--spools", type=int, default=20, help="spools the runs spread over")
    parser.add_argument("--spools-per-run", type=int, default=2)
    parser.add_argument(
        "--rate", type=float, default=0.0, help="steady rows/s (default: half the burst rate)"
    )
    parser.add_argument("--steady-seconds", type=float, default=10.0)
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"py-spy the worker for {PROFILE_SECONDS:g} s while it consumes; where its CPU goes, by library",
    )
    args = parser.parse_args()
    if args.spools_per_run > args.spools:
        parser.error("--spools-per-run cannot exceed --spools")
    averages = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"2-core box shared with other sessions: load average {averages}")
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
