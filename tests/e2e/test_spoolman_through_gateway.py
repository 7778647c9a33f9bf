"""Spoolman's clients through the real gateway and inventory, with real API keys from auth: the key in the
path or in ``X-API-Key``, a wrong or revoked key, the key kept out of every log line, and a client that
behaves like Moonraker's ``[spoolman]`` component (its websocket open on the path-embedded URL, GET the
active spool, ``PUT …/use`` with ``use_length`` every second for 30 s while the socket is up, a 404 for
another shop's spool): the reports coalesce into one ledger row named after the key, nothing lost or
doubled."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import uuid
from collections.abc import AsyncIterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import asyncpg
import httpx
import pytest
from batchivo_common.messaging.topology import declare_all, delete_all
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import ServiceDatabase, TestInfra
from batchivo_common.testing.polling import eventually
from batchivo_inventory.events.subscriptions import SUBSCRIPTIONS as INVENTORY_SUBSCRIPTIONS
from batchivo_inventory.settings import InventorySettings
from batchivo_inventory.worker import create_worker_app as create_inventory_worker

pytestmark = [pytest.mark.e2e, pytest.mark.db, pytest.mark.redis]

PASSWORD = "correct horse battery staple"
#: Extrusion Moonraker reports per sync (mm), one a second for 30 s: varied, so a lost or doubled report
#: changes the total.
REPORTS_MM = [412.5, 97.25, 1530.0, 8.75, 640.125, 233.0] * 5
#: The issue's run: reports every second for this long while the socket is up.
RUN_SECONDS = 30


async def register(gateway: httpx.AsyncClient, name: str) -> dict[str, str]:
    response = await gateway.post(
        "/api/v1/auth/register",
        json={
            "email": f"{uuid.uuid4().hex[:8]}@example.com",
            "password": PASSWORD,
            "full_name": "Owner",
            "tenant_name": name,
        },
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def api_key(gateway: httpx.AsyncClient, owner: dict[str, str], name: str) -> dict[str, str]:
    created = await gateway.post("/api/v1/api-keys", json={"name": name, "role": "member"}, headers=owner)
    assert created.status_code == 201, created.text
    return {"key": created.json()["key"], "id": created.json()["id"]}


async def add_spool(gateway: httpx.AsyncClient, owner: dict[str, str]) -> dict[str, Any]:
    materials = (await gateway.get("/api/v1/material-types", headers=owner)).json()["items"]
    pla = next(m for m in materials if m["code"] == "PLA")
    filament = await gateway.post(
        "/api/v1/filament-types",
        json={
            "material_type_id": pla["id"],
            "brand": "Prusament",
            "color_name": f"Black {uuid.uuid4().hex[:4]}",
        },
        headers=owner,
    )
    assert filament.status_code == 201, filament.text
    spool = await gateway.post(
        "/api/v1/spools",
        json={"filament_type_id": filament.json()["id"], "initial_weight": 1000},
        headers=owner,
    )
    assert spool.status_code == 201, spool.text
    body: dict[str, Any] = spool.json()
    return body


def spoolman_id(spool: dict[str, Any]) -> int:
    return int(spool["code"].removeprefix("FIL-"))


async def test_the_key_in_the_path_or_header_is_exchanged_and_never_logged(
    gateway: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    owner = await register(gateway, "Key Shop")
    spool = await add_spool(gateway, owner)
    key = await api_key(gateway, owner, "printer-1")
    number = spoolman_id(spool)

    in_path = await gateway.get(f"/compat/spoolman/{key['key']}/api/v1/spool/{number}")
    assert in_path.status_code == 200, in_path.text
    assert in_path.json()["id"] == number
    in_header = await gateway.get(
        f"/compat/spoolman/api/v1/spool/{number}", headers={"X-API-Key": key["key"]}
    )
    assert in_header.json() == in_path.json()
    listed = await gateway.get(f"/compat/spoolman/{key['key']}/api/v1/spool")
    assert listed.headers["x-total-count"] == "1"
    unknown_path = await gateway.get(f"/compat/spoolman/{key['key']}/elsewhere")
    assert_error(unknown_path, 404)

    wrong = f"bvk_{uuid.uuid4().hex}"
    for response in (
        await gateway.get(f"/compat/spoolman/{wrong}/api/v1/spool/{number}"),
        await gateway.get(f"/compat/spoolman/not-a-key/api/v1/spool/{number}"),
        await gateway.get(f"/compat/spoolman/api/v1/spool/{number}", headers={"X-API-Key": wrong}),
        await gateway.get(f"/compat/spoolman/api/v1/spool/{number}"),
    ):
        body = assert_error(response, 401, "UNAUTHENTICATED")
        assert "spool" not in json.dumps(body).lower()  # nothing about the resource is revealed

    revoked = await gateway.delete(f"/api/v1/api-keys/{key['id']}", headers=owner)
    assert revoked.status_code == 204, revoked.text
    assert_error(await gateway.get(f"/compat/spoolman/{key['key']}/api/v1/spool/{number}"), 401)

    # Every record of the servers (they run in their own threads); the test's own client logs its URLs.
    records = [r for r in caplog.records if not (r.name == "httpx" and r.threadName == "MainThread")]
    secrets = (key["key"], wrong, "not-a-key")
    for record in records:
        text = f"{record.getMessage()} {record.__dict__}"
        assert not any(secret in text for secret in secrets), text
    # The access log did log these requests, by their redacted paths.
    access = [r.getMessage() for r in records if r.name == "batchivo.access"]
    assert f"GET /compat/spoolman/api/v1/spool/{number} 200" in access
    assert f"GET /compat/spoolman/api/v1/spool/{number} 401" in access
    assert "GET /compat/spoolman/elsewhere 404" in access


def _half_up(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ws_url(gateway: httpx.AsyncClient, path: str) -> str:
    return "ws" + str(gateway.base_url).rstrip("/").removeprefix("http") + path


async def keep_alive(socket: aiohttp.ClientWebSocketResponse) -> None:
    """Spoolman's keep-alive: any text message is answered with ``{"status": "healthy"}``."""
    await socket.send_str("ping")
    assert await socket.receive_json(timeout=10) == {"status": "healthy"}


async def test_the_socket_admits_like_a_request(gateway: httpx.AsyncClient) -> None:
    owner = await register(gateway, "Socket Shop")
    key = await api_key(gateway, owner, "printer-1")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(
            ws_url(gateway, "/compat/spoolman/api/v1/spool"), headers={"X-API-Key": key["key"]}
        ) as socket:
            await keep_alive(socket)
        for path, headers in (
            (f"/compat/spoolman/bvk_{uuid.uuid4().hex}/api/v1/spool", {}),
            ("/compat/spoolman/api/v1/spool", {}),
        ):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(ws_url(gateway, path), headers=headers)
            assert refused.value.status == 401
        revoked = await gateway.delete(f"/api/v1/api-keys/{key['id']}", headers=owner)
        assert revoked.status_code == 204, revoked.text
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(ws_url(gateway, f"/compat/spoolman/{key['key']}/api/v1/spool"))
        assert refused.value.status == 401


@contextlib.asynccontextmanager
async def inventory_relay(inventory_db: ServiceDatabase, batchivo_infra: TestInfra) -> AsyncIterator[None]:
    """The inventory worker (its outbox relay) on the broker prefix of the served inventory API, so the
    spool events reach the API's Spoolman feed as in production. Entered in the test's own task (the
    worker's lifespan holds cancel scopes that must be left in the task that entered them)."""
    await declare_all(batchivo_infra.amqp_url, batchivo_infra.amqp_prefix, INVENTORY_SUBSCRIPTIONS)
    settings = InventorySettings(**inventory_db.settings_overrides(batchivo_infra))
    app = create_inventory_worker(settings, configure_process=False, relay_poll_seconds=0.2)
    try:
        async with app.start_lifespan_context():
            probe = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker")
            async with probe:

                async def ready() -> bool:
                    return (await probe.get("/readyz")).status_code == 200

                await eventually(ready)
            yield
    finally:
        await delete_all(batchivo_infra.amqp_url, batchivo_infra.amqp_prefix, INVENTORY_SUBSCRIPTIONS)


class MoonrakerSocket:
    """What Moonraker's component reads from its socket: keep-alive answers and spool change messages."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse):
        self.socket = socket
        self.healthy = 0
        self.changes: list[dict[str, Any]] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.socket:
            data = json.loads(message.data)
            if data == {"status": "healthy"}:
                self.healthy += 1
            else:
                self.changes.append(data)

    async def keep_alive(self) -> None:
        before = self.healthy
        await self.socket.send_str("ping")

        async def answered() -> bool:
            return self.healthy > before

        await eventually(answered, within=10)

    async def close(self) -> None:
        await self.socket.close()
        with contextlib.suppress(asyncio.CancelledError):
            await self.reader


async def test_a_moonraker_like_client_books_every_report_once(
    gateway: httpx.AsyncClient, inventory_db: ServiceDatabase, batchivo_infra: TestInfra
) -> None:
    owner = await register(gateway, "Farm")
    other = await register(gateway, "Other Farm")
    spool = await add_spool(gateway, owner)
    await add_spool(gateway, other)
    foreign = await add_spool(gateway, other)  # FIL-002 of the other shop: no spool 2 in ours
    key = await api_key(gateway, owner, "printer-1")
    other_key = await api_key(gateway, other, "their printer")
    server = f"/compat/spoolman/{key['key']}"
    active = spoolman_id(spool)

    async with inventory_relay(inventory_db, batchivo_infra), aiohttp.ClientSession() as session:
        socket = MoonrakerSocket(await session.ws_connect(ws_url(gateway, f"{server}/api/v1/spool")))
        try:
            # Moonraker connects its websocket, checks the active spool exists, then reports extrusion every
            # sync interval while the socket is up.
            await socket.keep_alive()
            got = await gateway.get(f"{server}/api/v1/spool/{active}")
            assert got.status_code == 200, got.text
            diameter, density = got.json()["filament"]["diameter"], got.json()["filament"]["density"]
            started = asyncio.get_running_loop().time()
            for n, length in enumerate(REPORTS_MM):
                if n == len(REPORTS_MM) // 2:
                    # The other shop's printer reports too; its change must never reach our socket.
                    theirs = await gateway.put(
                        f"/compat/spoolman/{other_key['key']}/api/v1/spool/{spoolman_id(foreign)}/use",
                        json={"use_weight": 3},
                    )
                    assert theirs.status_code == 200, theirs.text
                response = await gateway.put(
                    f"{server}/api/v1/spool/{active}/use", json={"use_length": length}
                )
                assert response.status_code == 200, response.text
                # One report a second (Moonraker's sync timer): the next one is due n + 1 s after the first.
                await asyncio.sleep(max(0.0, started + n + 1 - asyncio.get_running_loop().time()))
            assert asyncio.get_running_loop().time() - started >= RUN_SECONDS
            await socket.keep_alive()  # still up after the reports
            final = (await gateway.get(f"{server}/api/v1/spool/{active}")).json()

            async def announced() -> bool:
                return any(c["payload"] == final for c in socket.changes)

            # The change messages arrive in order; the last one is the spool as it is now.
            await eventually(announced)
            # Only our spool (the other shop's FIL-001 is id 1 too: told apart by its filament). The relay
            # started with the test, so the spool's own `added` may come first if it was still in the outbox.
            ours = got.json()["filament"]["name"]
            assert {
                (c["resource"], c["payload"]["id"], c["payload"]["filament"]["name"]) for c in socket.changes
            } == {("spool", active, ours)}
            assert {c["type"] for c in socket.changes} <= {"added", "updated"}
            weights = [c["payload"]["remaining_weight"] for c in socket.changes if c["type"] == "updated"]
            assert weights == sorted(weights, reverse=True)
        finally:
            await socket.close()
    # Another shop's spool id is a 404 (Moonraker unsets its active spool); nothing is booked there.
    missing = await gateway.put(f"{server}/api/v1/spool/{spoolman_id(foreign)}/use", json={"use_length": 50})
    assert_error(missing, 404, "NOT_FOUND")

    per_report = [_half_up(math.pi * (diameter / 2) ** 2 * mm * density / 1000) for mm in REPORTS_MM]
    expected_weight = Decimal(1000) - sum(per_report)
    now = (await gateway.get(f"{server}/api/v1/spool/{active}")).json()
    assert Decimal(repr(now["remaining_weight"])) == expected_weight
    exact = sum(math.pi * (diameter / 2) ** 2 * mm * density / 1000 for mm in REPORTS_MM)
    assert abs(float(expected_weight) - (1000 - exact)) <= 0.005 * len(REPORTS_MM)

    # The 30 reports of one key within the coalescing window (300 s) are ONE usage row: the sum of the
    # reports as each was rounded, named after the key; the ledger still sums to the spool's weight.
    ledger = await gateway.get(f"/api/v1/spools/{spool['id']}/transactions?sort=created_at", headers=owner)
    rows = ledger.json()["items"]
    assert [r["kind"] for r in rows] == ["purchase", "usage"]
    assert Decimal(repr(rows[1]["delta"])) == -sum(per_report)
    assert rows[1]["reason"] == "spoolman-compat: printer-1"
    assert Decimal(repr(rows[1]["grams_after"])) == expected_weight
    assert sum(Decimal(repr(r["delta"])) for r in rows) == expected_weight
    # The printer link's event: once, for the one row the key opened (not per report).
    conn = await asyncpg.connect(inventory_db.admin_url)
    try:
        reported = await conn.fetch(
            "select envelope from inventory.outbox where event_type = 'inventory.spool.usage_reported.v1'"
            " and envelope->'data'->>'spool_id' = $1",
            spool["id"],
        )
    finally:
        await conn.close()
    assert len(reported) == 1
    data = json.loads(reported[0]["envelope"])["data"]
    assert (data["spool_code"], data["api_key_id"], data["api_key_name"]) == (
        spool["code"],
        key["id"],
        "printer-1",
    )
    # Only their own printer's 3 g: our key's 404 booked nothing on their spool.
    theirs = await gateway.get(f"/api/v1/spools/{foreign['id']}/transactions?sort=created_at", headers=other)
    assert [(r["kind"], r["delta"]) for r in theirs.json()["items"]] == [("purchase", 1000), ("usage", -3)]
