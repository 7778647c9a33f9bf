"""The worker against the real broker and PostgreSQL, delivering to a real local HTTP receiver.

Shows: every subscribed event arrives exactly as documented and its signature verifies with the
documented recipe (checked here with hmac, not with the code under test); a receiver failing 3 times
gets the 4th attempt with the same delivery id and exactly one success is logged; a hanging receiver does
not delay another endpoint; URLs to private addresses are refused at delivery time too (without the
allowlist, and when a name resolves elsewhere the second time); an endpoint failing for the whole window
is disabled with the reason."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from batchivo_common.messaging.envelope import EventEnvelope, new_event
from batchivo_common.testing.polling import eventually
from batchivo_webhooks.catalogue import PUBLIC_EVENTS
from batchivo_webhooks.crypto import new_key_entry
from prometheus_client import REGISTRY

pytestmark = [pytest.mark.db, pytest.mark.amqp, pytest.mark.redis, pytest.mark.timeout(120)]

U = uuid.UUID("00000000-0000-4000-8000-000000000001")
SPOOL = {
    "spool_id": U,
    "code": "FIL-1",
    "filament_type_id": U,
    "material_code": "PLA",
    "brand": "B",
    "color_name": "Red",
    "initial_weight": 1000,
    "current_weight": 900,
    "is_archived": False,
}
FILAMENT = {
    "filament_type_id": U,
    "material_type_id": U,
    "material_code": "PLA",
    "brand": "B",
    "color_name": "Red",
    "diameter_mm": 1.75,
    "min_stock_grams": 100,
    "cost_is_estimate": False,
}
MODEL = {
    "model_id": U,
    "sku": "M-1",
    "name": "Dragon",
    "is_active": True,
    "prints_per_plate": 1,
    "materials": [{"filament_type_id": U, "grams": 12.5}],
}
PRODUCT = {
    "product_id": U,
    "sku": "P-1",
    "name": "Set",
    "is_active": True,
    "models": [{"model_id": U, "quantity": 2}],
}
GRAMS = [{"spool_id": U, "grams": 10}]
DATA: dict[str, dict[str, Any]] = {
    "auth.tenant.created.v1": {"name": "Shop", "slug": "shop", "currency_code": "EUR"},
    **{f"inventory.filament_type.{v}.v1": FILAMENT for v in ("created", "updated", "deleted")},
    **{f"inventory.spool.{v}.v1": SPOOL for v in ("created", "updated", "archived", "deleted")},
    "inventory.stock.low.v1": {"scope": "spool", "filament_type_id": U, "spool_id": U, "remaining_grams": 50,
                               "threshold_grams": 100},
    "inventory.spool.usage_reported.v1": {"spool_id": U, "spool_code": "FIL-001", "api_key_id": U,
                                          "api_key_name": "voron-1", "reported_at": "2026-12-01T10:00:00Z"},
    "inventory.usage.recorded.v1": {"run_id": U, "source_event_type": "production.run.completed.v1",
                                    "spools": [{"spool_id": U, "booked_grams": 10, "discrepancy_grams": 0}]},
    **{f"catalog.model.{v}.v1": MODEL for v in ("created", "updated", "deleted")},
    **{f"catalog.product.{v}.v1": PRODUCT for v in ("created", "updated", "deleted")},
    "production.run.completed.v1": {"run_id": U, "run_number": "RUN-1", "materials": GRAMS},
    "production.run.failed.v1": {"run_id": U, "reason": "spaghetti",
                                 "materials": [{"spool_id": U, "waste_grams": 3}]},
    "production.run.cancelled.v1": {"run_id": U, "materials": GRAMS},
    "production.run.reverted.v1": {"run_id": U, "materials": GRAMS},
}  # fmt: skip


def event(tenant_id: uuid.UUID, event_type: str) -> EventEnvelope:
    return new_event(
        event_type, producer=event_type.split(".")[0], tenant_id=tenant_id, data=DATA[event_type]
    )


async def seen(check: Callable[[], Any], within: float = 30.0) -> Any:
    """Wait until ``check()`` (a plain function over the receiver's log) is truthy."""

    async def poll() -> Any:
        return check()

    return await eventually(poll, within=within)


def _counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("batchivo_webhook_deliveries_total", {"outcome": outcome}) or 0.0


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The documented recipe, written out independently of the service's code."""
    timestamp = headers["batchivo-webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    values = [part.removeprefix("v1=") for part in headers["batchivo-webhook-signature"].split(" ")]
    return any(hmac.compare_digest(expected, value) for value in values)


async def _endpoint(client, tenant, url: str, event_types: list[str]) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/webhooks/endpoints", json={"url": url, "event_types": event_types}, headers=tenant.headers()
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _deliveries(admin_conn, endpoint_id: str) -> list[Any]:
    return await admin_conn.fetch(
        "select * from webhooks.deliveries where endpoint_id = $1 order by created_at", uuid.UUID(endpoint_id)
    )


def test_every_public_event_has_sample_data() -> None:
    assert set(DATA) == set(PUBLIC_EVENTS)


async def test_the_receiver_gets_every_subscribed_event_as_documented(
    client, new_tenant, receiver, admin_conn, run_worker
) -> None:
    t, other = new_tenant(), new_tenant()
    path = f"/all/{uuid.uuid4().hex}"
    everything = await _endpoint(client, t, receiver.base_url + path, list(PUBLIC_EVENTS))
    one_path = f"/one/{uuid.uuid4().hex}"
    await _endpoint(client, t, receiver.base_url + one_path, ["production.run.completed.v1"])
    other_path = f"/other/{uuid.uuid4().hex}"
    await _endpoint(client, other, receiver.base_url + other_path, list(PUBLIC_EVENTS))
    async with run_worker() as w:
        events = [event(t.id, event_type) for event_type in PUBLIC_EVENTS]
        for e in events:
            await w.publish(e)
        await w.publish(events[0])  # a redelivered broker message adds nothing
        await seen(lambda: len(receiver.at(path)) >= len(events) or None)
        await seen(lambda: len(receiver.at(one_path)) >= 1 or None)

        async def all_recorded() -> bool | None:
            # The receiver has the last delivery a moment before the worker records its answer: wait for the
            # records while the worker runs (one stopped in between leaves it pending, to be sent again).
            rows = await _deliveries(admin_conn, everything["id"])
            return (len(rows) == len(events) and all(r["status"] == "succeeded" for r in rows)) or None

        await eventually(all_recorded, within=30.0)
    got = receiver.at(path)
    assert len(got) == len(events)
    by_event = {json.loads(r.body)["event_id"]: r for r in got}
    assert set(by_event) == {str(e.event_id) for e in events}
    rows = {str(r["event_id"]): r for r in await _deliveries(admin_conn, everything["id"])}
    for e in events:
        r = by_event[str(e.event_id)]
        body = json.loads(r.body)
        assert set(body) == {"delivery_id", "event_id", "type", "occurred_at", "tenant_id", "data"}
        assert body["type"] == e.event_type and body["tenant_id"] == str(t.id)
        assert body["data"] == json.loads(json.dumps(e.data))
        assert datetime.fromisoformat(body["occurred_at"].replace("Z", "+00:00")) == e.occurred_at
        assert r.headers["content-type"] == "application/json"
        assert r.headers["user-agent"] == "Batchivo-Webhooks/1"
        assert r.headers["batchivo-webhook-id"] == body["delivery_id"] == str(rows[body["event_id"]]["id"])
        assert r.headers["batchivo-event-type"] == e.event_type
        assert r.headers["host"] == receiver.base_url.removeprefix("http://")
        assert verify(everything["secret"], r.headers, r.body)
        assert not verify("whsec_wrong", r.headers, r.body)
        # The stored payload is exactly what was sent.
        assert json.loads(r.body) == json.loads(rows[body["event_id"]]["payload"])
        assert rows[body["event_id"]]["status"] == "succeeded"
    assert [json.loads(r.body)["type"] for r in receiver.at(one_path)] == ["production.run.completed.v1"]
    assert receiver.at(other_path) == []  # another tenant's endpoint gets none of them


async def test_three_failures_then_success_keeps_the_delivery_id(
    client, new_tenant, receiver, admin_conn, run_worker
) -> None:
    t = new_tenant()
    path = f"/fail3/{uuid.uuid4().hex}"
    endpoint = await _endpoint(client, t, receiver.base_url + path, ["inventory.spool.created.v1"])
    before = {o: _counted(o) for o in ("succeeded", "retrying")}
    async with run_worker() as w:
        await w.publish(event(t.id, "inventory.spool.created.v1"))
        await seen(lambda: len(receiver.at(path)) >= 4 or None)

        async def settled() -> bool:
            rows = await _deliveries(admin_conn, endpoint["id"])
            return bool(rows) and rows[0]["status"] == "succeeded"

        await eventually(settled)
    got = receiver.at(path)
    assert len(got) == 4
    ids = {r.headers["batchivo-webhook-id"] for r in got}
    assert len(ids) == 1
    assert len({r.body for r in got}) == 1  # the same bytes every time
    rows = await _deliveries(admin_conn, endpoint["id"])
    assert len(rows) == 1
    row = rows[0]
    assert str(row["id"]) in ids
    assert (row["status"], row["attempts"], row["last_status_code"]) == ("succeeded", 4, 200)
    assert row["response_snippet"] == "ok" and row["delivered_at"] is not None and row["last_latency_ms"] >= 0
    endpoint_row = await admin_conn.fetchrow(
        "select failing_since, active from webhooks.endpoints where id = $1", uuid.UUID(endpoint["id"])
    )
    assert (endpoint_row["failing_since"], endpoint_row["active"]) == (None, True)
    # The metrics saw the same: three retries, one success (the tables were emptied before the test).
    assert _counted("retrying") - before["retrying"] == 3
    assert _counted("succeeded") - before["succeeded"] == 1


async def test_a_hanging_receiver_does_not_delay_another_endpoint(
    client, new_tenant, receiver, admin_conn, run_worker
) -> None:
    t = new_tenant()
    ok_path = f"/ok/{uuid.uuid4().hex}"
    hang = await _endpoint(client, t, receiver.base_url + "/hang", ["inventory.spool.updated.v1"])
    await _endpoint(client, t, receiver.base_url + ok_path, ["inventory.spool.updated.v1"])
    # The hanging receiver holds its attempt for the whole (long) timeout.
    async with run_worker(attempt_timeout_seconds=60.0, claim_lease_seconds=120.0) as w:
        hung_before = len(receiver.at("/hang"))
        first = event(t.id, "inventory.spool.updated.v1")
        await w.publish(first)
        await seen(lambda: len(receiver.at("/hang")) > hung_before or None)
        # While that attempt still hangs, later events still reach the other endpoint.
        for _ in range(3):
            await w.publish(event(t.id, "inventory.spool.updated.v1"))
        # Well inside the hanging attempt's 60 s: had it blocked the others, they would arrive after it.
        await seen(lambda: len(receiver.at(ok_path)) >= 4 or None, within=30)
        hanging = await _deliveries(admin_conn, hang["id"])
        assert hanging[0]["status"] == "pending" and hanging[0]["last_attempt_at"] is not None
        assert hanging[0]["last_status_code"] is None  # its attempt has not answered


async def test_private_addresses_are_refused_at_delivery_time(
    client, new_tenant, receiver, admin_conn, run_worker
) -> None:
    """Rows whose URL points at 127.0.0.1, 10.0.0.1 or 169.254.169.254 (put there behind the API's back),
    and one registered through the allowlist: a worker without the allowlist refuses them all."""
    t = new_tenant()
    path = f"/ok/{uuid.uuid4().hex}"
    allowed = await _endpoint(client, t, receiver.base_url + path, ["inventory.stock.low.v1"])
    port = receiver.base_url.rsplit(":", 1)[1]
    for url in (f"https://127.0.0.1:{port}{path}", "https://10.0.0.1/x", "https://169.254.169.254/x"):
        created = await _endpoint(client, t, "https://93.184.215.14/x", ["inventory.stock.low.v1"])
        await admin_conn.execute(
            "update webhooks.endpoints set url = $1 where id = $2", url, uuid.UUID(created["id"])
        )
    async with run_worker(allow_private_hosts=[]) as w:
        await w.publish(event(t.id, "inventory.stock.low.v1"))

        async def attempted() -> Any:
            rows = await admin_conn.fetch(
                "select d.last_error, e.url from webhooks.deliveries d"
                " join webhooks.endpoints e on e.id = d.endpoint_id where d.tenant_id = $1",
                t.id,
            )
            return len(rows) == 4 and all(r["last_error"] for r in rows) and rows

        rows = await eventually(attempted)
    by_url = {r["url"]: r["last_error"] for r in rows}
    assert by_url[allowed["url"]] == "refused: Webhook URLs must use https"
    assert "a loopback address" in by_url[f"https://127.0.0.1:{port}{path}"]
    assert "a private address" in by_url["https://10.0.0.1/x"]
    assert "the cloud metadata address" in by_url["https://169.254.169.254/x"]
    assert all(e.startswith("refused: ") for e in by_url.values())
    assert receiver.at(path) == []


async def test_dns_rebinding_is_refused_at_delivery_time(
    client, new_tenant, receiver, admin_conn, run_worker, monkeypatch
) -> None:
    """A name that resolved to a public address at registration resolves to 10.0.0.1 / 169.254.169.254 /
    127.0.0.1 when the worker sends: the worker refuses before connecting."""
    t = new_tenant()
    endpoints = []
    for address in ("10.0.0.1", "169.254.169.254", "127.0.0.1"):
        name = f"rebind-{address.replace('.', '-')}.example.com"
        endpoints.append((name, address))
        # Registered with a public address, then the row points at the name (the registration-time check
        # of names is shown in the API tests; here only the delivery-time check is under test).
        response = await client.post(
            "/api/v1/webhooks/endpoints",
            json={"url": "https://93.184.215.14/x", "event_types": ["inventory.usage.recorded.v1"]},
            headers=t.headers(),
        )
        assert response.status_code == 201
        await admin_conn.execute(
            "update webhooks.endpoints set url = $1 where id = $2",
            f"https://{name}/hook",
            uuid.UUID(response.json()["id"]),
        )

    async def rebinding(host: str, port: int) -> list[str]:
        for name, address in endpoints:
            if host == name:
                return [address]
        raise OSError("unknown")

    async with run_worker(resolver=rebinding, allow_private_hosts=[]) as w:
        await w.publish(event(t.id, "inventory.usage.recorded.v1"))

        async def all_refused() -> bool:
            rows = await admin_conn.fetch(
                "select last_error from webhooks.deliveries where tenant_id = $1", t.id
            )
            return len(rows) == 3 and all((r["last_error"] or "").startswith("refused: ") for r in rows)

        await eventually(all_refused)


async def test_an_endpoint_failing_for_the_whole_window_is_disabled(
    client, new_tenant, receiver, admin_conn, run_worker
) -> None:
    t = new_tenant()
    endpoint = await _endpoint(client, t, receiver.base_url + "/error", ["catalog.product.created.v1"])
    # The endpoint has been failing for a day already; the delivery's window began a day ago too.
    await admin_conn.execute(
        "update webhooks.endpoints set failing_since = now() - interval '25 hours' where id = $1",
        uuid.UUID(endpoint["id"]),
    )
    async with run_worker() as w:
        await w.publish(event(t.id, "catalog.product.created.v1"))

        async def disabled() -> Any:
            row = await admin_conn.fetchrow(
                "select * from webhooks.endpoints where id = $1", uuid.UUID(endpoint["id"])
            )
            return not row["active"] and row

        row = await eventually(disabled)
    assert row["disabled_at"] is not None
    assert row["disabled_reason"] == "every delivery failed for 24 h; last: HTTP 500"
    read = (await client.get(f"/api/v1/webhooks/endpoints/{endpoint['id']}", headers=t.headers())).json()
    assert read["active"] is False and read["disabled_reason"].startswith("every delivery failed")
    delivery = (await _deliveries(admin_conn, endpoint["id"]))[0]
    assert delivery["last_status_code"] == 500 and delivery["response_snippet"] == ("boom " * 100)


async def test_a_delivery_gives_up_after_its_window(
    client, new_tenant, receiver, admin_conn, run_worker
) -> None:
    t = new_tenant()
    endpoint = await _endpoint(client, t, receiver.base_url + "/error", ["catalog.model.created.v1"])
    async with run_worker(retry_window_seconds=1.0) as w:
        await w.publish(event(t.id, "catalog.model.created.v1"))

        async def failed() -> Any:
            rows = await _deliveries(admin_conn, endpoint["id"])
            return rows and rows[0]["status"] == "failed" and rows[0]

        row = await eventually(failed)
    assert row["attempts"] >= 2 and row["next_attempt_at"] is None


async def test_rotation_signs_with_both_secrets(client, new_tenant, receiver, admin_conn, run_worker) -> None:
    t = new_tenant()
    path = f"/ok/{uuid.uuid4().hex}"
    endpoint = await _endpoint(client, t, receiver.base_url + path, ["inventory.spool.archived.v1"])
    rotated = (
        await client.post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/rotate-secret", headers=t.headers())
    ).json()
    async with run_worker() as w:
        await w.publish(event(t.id, "inventory.spool.archived.v1"))
        await seen(lambda: receiver.at(path) or None)
        (got,) = receiver.at(path)
        assert got.headers["batchivo-webhook-signature"].count("v1=") == 2
        assert verify(rotated["secret"], got.headers, got.body)
        assert verify(endpoint["secret"], got.headers, got.body)
        # Once the previous secret expires, only the new one signs.
        await admin_conn.execute(
            "update webhooks.endpoints set previous_secret_expires_at = now() where id = $1",
            uuid.UUID(endpoint["id"]),
        )
        test = await client.post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/test", headers=t.headers())
        assert test.status_code == 202
        await seen(lambda: len(receiver.at(path)) >= 2 or None)
        latest = receiver.at(path)[1]
        assert json.loads(latest.body)["type"] == "webhooks.test.v1"
        assert latest.headers["batchivo-webhook-signature"].count("v1=") == 1
        assert verify(rotated["secret"], latest.headers, latest.body)
        assert not verify(endpoint["secret"], latest.headers, latest.body)


async def test_a_secret_that_cannot_be_decrypted_is_never_sent_unsigned(
    client, new_tenant, receiver, admin_conn, run_worker
) -> None:
    """A worker whose key list lost the key that wrapped the endpoint's data key sends nothing."""
    t = new_tenant()
    path = f"/ok/{uuid.uuid4().hex}"
    endpoint = await _endpoint(client, t, receiver.base_url + path, ["catalog.model.deleted.v1"])
    async with run_worker(encryption_keys=[new_key_entry("other")]) as w:
        await w.publish(event(t.id, "catalog.model.deleted.v1"))

        async def attempted() -> Any:
            rows = await _deliveries(admin_conn, endpoint["id"])
            return rows and rows[0]["last_error"] and rows[0]

        row = await eventually(attempted)
    assert row["last_error"].startswith("cannot read the signing secret")
    assert row["status"] == "pending"
    assert receiver.at(path) == []
