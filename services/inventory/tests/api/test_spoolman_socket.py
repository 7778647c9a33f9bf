"""Spoolman's websockets on the inventory: admitted by the handshake's bearer token, then Spoolman's
keep-alive answer to every message (Moonraker reports usage only while ``…/api/v1/spool`` is connected),
and the shop's spool changes pushed from the inventory's events.

The app is driven at the ASGI level: the client's messages are queued, the app's are collected."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aio_pika
import asyncpg
import pytest
from batchivo_common.auth.tokens import Role
from batchivo_common.messaging.topology import Names
from batchivo_inventory.settings import InventorySettings
from fastapi import FastAPI

BASE = "/compat/spoolman/api/v1"


async def talk(app: FastAPI, path: str, authorization: str | None, texts: list[str]) -> list[dict[str, Any]]:
    """Connect, send ``texts``, disconnect; what the app sent back."""
    inbound: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for message in (
        {"type": "websocket.connect"},
        *({"type": "websocket.receive", "text": t} for t in texts),
        {"type": "websocket.disconnect", "code": 1000},
    ):
        inbound.put_nowait(message)
    headers = [(b"host", b"inventory.test")]
    if authorization is not None:
        headers.append((b"authorization", authorization.encode()))
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("inventory.test", 80),
        "subprotocols": [],
    }
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for(app(scope, inbound.get, send), timeout=10)
    return sent


@pytest.mark.parametrize("resource", ["spool", "filament", "vendor"])
async def test_an_admitted_socket_answers_keep_alives(
    app: FastAPI, make_token: Callable[..., str], resource: str
) -> None:
    token = make_token(role=Role.viewer)
    sent = await talk(app, f"{BASE}/{resource}", f"Bearer {token}", ["ping", "ping"])
    assert sent[0]["type"] == "websocket.accept"
    answers = [json.loads(m["text"]) for m in sent[1:] if m["type"] == "websocket.send"]
    assert answers == [{"status": "healthy"}, {"status": "healthy"}]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
async def test_a_socket_without_a_valid_token_is_refused(app: FastAPI, authorization: str | None) -> None:
    sent = await talk(app, f"{BASE}/spool", authorization, ["ping"])
    assert sent == [{"type": "websocket.close", "code": 1008, "reason": ""}]


async def test_the_spool_socket_pushes_the_shops_spool_changes(
    app: FastAPI,
    api: Any,
    make_token: Callable[..., str],
    inventory_settings: InventorySettings,
    admin_conn: asyncpg.Connection,
) -> None:
    shop = api.tenant()
    spool = await api.spool(shop, initial_weight=1000)
    inbound: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    inbound.put_nowait({"type": "websocket.connect"})
    token = make_token(shop.id, Role.member)
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "path": f"{BASE}/spool",
        "raw_path": f"{BASE}/spool".encode(),
        "query_string": b"",
        "headers": [(b"authorization", f"Bearer {token}".encode())],
        "subprotocols": [],
    }
    socket = asyncio.create_task(app(scope, inbound.get, sent.put))
    try:
        assert (await asyncio.wait_for(sent.get(), 10))["type"] == "websocket.accept"
        await asyncio.wait_for(app.state.spoolman_feed.ready.wait(), 10)
        use = await api.client.put(f"{BASE}/spool/1/use", json={"use_weight": 25}, headers=shop.headers())
        assert use.status_code == 200, use.text
        # The relay's work, done here: the change's own outbox event, on the wire as the relay sends it.
        row = await admin_conn.fetchrow(
            "select envelope from inventory.outbox where tenant_id = $1 and event_type = $2"
            " order by id desc limit 1",
            shop.id,
            "inventory.spool.updated.v1",
        )
        assert row is not None
        connection = await aio_pika.connect(inventory_settings.amqp_url)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.get_exchange(Names(inventory_settings.amqp_prefix).events)
            await exchange.publish(
                aio_pika.Message(body=row["envelope"].encode()), "inventory.spool.updated.v1"
            )
        message = await asyncio.wait_for(sent.get(), 10)
        pushed = json.loads(message["text"])
        assert (pushed["type"], pushed["resource"]) == ("updated", "spool")
        assert pushed["payload"]["id"] == 1
        assert pushed["payload"]["remaining_weight"] == 975
        assert pushed["payload"] == (await api.client.get(f"{BASE}/spool/1", headers=shop.headers())).json()
        assert spool["code"] == "FIL-001"
    finally:
        inbound.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(socket, 10)


class Socket:
    """A socket held open against the app (ASGI level): ``received()`` waits for the app's next message."""

    def __init__(self, app: FastAPI, path: str, token: str) -> None:
        self.inbound: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.inbound.put_nowait({"type": "websocket.connect"})
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "headers": [(b"authorization", f"Bearer {token}".encode())],
            "subprotocols": [],
        }
        self.task = asyncio.create_task(app(scope, self.inbound.get, self.sent.put))

    async def received(self) -> dict[str, Any]:
        message = await asyncio.wait_for(self.sent.get(), 10)
        assert message["type"] == "websocket.send", message
        result: dict[str, Any] = json.loads(message["text"])
        return result

    async def close(self) -> None:
        self.inbound.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 10)


async def relay(
    settings: InventorySettings, admin_conn: asyncpg.Connection, tenant_id: Any, event_types: tuple[str, ...]
) -> int:
    """The relay's work, done here: the tenant's outbox events of these types, in order, on the wire (and
    out of the outbox, so the next call relays only newer ones)."""
    rows = await admin_conn.fetch(
        "select event_type, envelope from inventory.outbox where tenant_id = $1 and event_type = any($2)"
        " order by id",
        tenant_id,
        list(event_types),
    )
    connection = await aio_pika.connect(settings.amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(Names(settings.amqp_prefix).events)
        for row in rows:
            await exchange.publish(aio_pika.Message(body=row["envelope"].encode()), row["event_type"])
    await admin_conn.execute(
        "delete from inventory.outbox where tenant_id = $1 and event_type = any($2)",
        tenant_id,
        list(event_types),
    )
    return len(rows)


FILAMENT_EVENTS = tuple(f"inventory.filament_type.{verb}.v1" for verb in ("created", "updated", "deleted"))


async def test_the_filament_and_vendor_sockets_push_filament_and_brand_changes(
    app: FastAPI,
    api: Any,
    make_token: Callable[..., str],
    inventory_settings: InventorySettings,
    admin_conn: asyncpg.Connection,
) -> None:
    shop = api.tenant()
    await api.filament_type(shop, brand="Prusament")  # a brand the shop had before the sockets opened
    await admin_conn.execute("delete from inventory.outbox where tenant_id = $1", shop.id)
    token = make_token(shop.id, Role.member)
    filaments = Socket(app, f"{BASE}/filament", token)
    vendors = Socket(app, f"{BASE}/vendor", token)
    spools = Socket(app, f"{BASE}/spool", token)
    try:
        for socket in (filaments, vendors, spools):
            assert (await asyncio.wait_for(socket.sent.get(), 10))["type"] == "websocket.accept"
        await asyncio.wait_for(app.state.spoolman_feed.ready.wait(), 10)
        await asyncio.sleep(0.2)  # the vendor socket remembers the shop's vendors as it opens
        created = await api.filament_type(shop, brand="Polymaker", color_name="Teal")
        assert await relay(inventory_settings, admin_conn, shop.id, FILAMENT_EVENTS) == 1
        added = await filaments.received()
        assert (added["type"], added["resource"]) == ("added", "filament")
        number = added["payload"]["id"]
        shown = await api.client.get(f"{BASE}/filament/{number}", headers=shop.headers())
        assert added["payload"] == shown.json() and shown.json()["vendor"]["name"] == "Polymaker"

        renamed = await api.client.patch(
            f"/api/v1/filament-types/{created['id']}",
            json={"color_name": "Deep Teal"},
            headers=shop.headers(),
        )
        assert renamed.status_code == 200, renamed.text
        assert await relay(inventory_settings, admin_conn, shop.id, FILAMENT_EVENTS) == 1
        updated = await filaments.received()
        assert (updated["type"], updated["payload"]["id"], updated["payload"]["name"]) == (
            "updated",
            number,
            "Deep Teal",
        )

        gone = await api.client.delete(
            f"/api/v1/filament-types/{created['id']}", headers=shop.headers(Role.admin)
        )
        assert gone.status_code == 204, gone.text
        assert await relay(inventory_settings, admin_conn, shop.id, FILAMENT_EVENTS) == 1
        deleted = await filaments.received()
        assert (deleted["type"], deleted["payload"]["id"], deleted["payload"]["name"]) == (
            "deleted",
            number,
            "Deep Teal",
        )
        assert deleted["payload"]["material"] == "PLA" and deleted["payload"]["vendor"]["name"] == "Polymaker"
        assert all(m["date"].endswith("Z") for m in (added, updated, deleted))

        # Vendors: Polymaker appeared with the type and went with it; Prusament never changed.
        vendor_added, vendor_deleted = await vendors.received(), await vendors.received()
        assert (vendor_added["type"], vendor_added["resource"]) == ("added", "vendor")
        assert vendor_added["payload"]["name"] == "Polymaker"
        assert set(vendor_added["payload"]) >= {"id", "registered", "name"}
        assert (vendor_deleted["type"], vendor_deleted["payload"]["id"]) == (
            "deleted",
            vendor_added["payload"]["id"],
        )
        assert spools.sent.empty() and vendors.sent.empty()  # each socket carries its own resource only
    finally:
        for socket in (filaments, vendors, spools):
            await socket.close()
