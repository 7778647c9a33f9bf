"""The endpoints API: admin only, the secret shown once, event types checked, URLs refused when they
are not https or point at a non-public address, rotation, the test event, the log and redelivery."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.auth.tokens import Role
from batchivo_common.testing.assertions import assert_error
from batchivo_webhooks.catalogue import PUBLIC_EVENTS

pytestmark = [pytest.mark.db, pytest.mark.redis]

URL = "https://93.184.215.14/hooks"  # a public literal: nothing to resolve


async def _create(client, tenant, **body):
    payload = {"url": URL, "event_types": ["inventory.spool.created.v1"], **body}
    return await client.post("/api/v1/webhooks/endpoints", json=payload, headers=tenant.headers())


async def test_event_types_list_every_public_event(client, new_tenant) -> None:
    t = new_tenant()
    response = await client.get("/api/v1/webhooks/event-types", headers=t.headers())
    assert response.status_code == 200
    assert [e["type"] for e in response.json()] == list(PUBLIC_EVENTS)
    assert all(e["description"] for e in response.json())


@pytest.mark.parametrize("role", [Role.viewer, Role.member])
async def test_below_admin_is_refused(client, new_tenant, role) -> None:
    t = new_tenant()
    assert_error(await client.get("/api/v1/webhooks/endpoints", headers=t.headers(role)), 403)
    response = await client.post(
        "/api/v1/webhooks/endpoints",
        json={"url": URL, "event_types": ["inventory.spool.created.v1"]},
        headers=t.headers(role),
    )
    assert_error(response, 403)


async def test_create_shows_the_secret_once(client, new_tenant, admin_conn) -> None:
    t = new_tenant()
    response = await _create(client, t, description="ERP", event_types=["production.run.completed.v1"] * 2)
    assert response.status_code == 201, response.text
    body = response.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and body["secret_hint"] == secret[-4:]
    assert body["event_types"] == ["production.run.completed.v1"]
    assert response.headers["location"] == f"/api/v1/webhooks/endpoints/{body['id']}"
    assert response.headers["cache-control"] == "no-store"
    read = (await client.get(f"/api/v1/webhooks/endpoints/{body['id']}", headers=t.headers())).json()
    listed = (await client.get("/api/v1/webhooks/endpoints", headers=t.headers())).json()
    assert "secret" not in read and secret not in str(read) and secret not in str(listed)
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    # At rest: encrypted, never the secret in clear anywhere in the row.
    row = await admin_conn.fetchrow("select * from webhooks.endpoints where id = $1", uuid.UUID(body["id"]))
    assert row["secret_key_id"] == "test1"
    assert secret.encode() not in b"".join(v for v in row.values() if isinstance(v, bytes))
    assert all(secret not in str(v) for v in row.values())


@pytest.mark.parametrize("event_types", [["*"], ["inventory.#"], ["nope.nope.nope.v1"], []])
async def test_event_types_are_an_explicit_list_of_public_events(client, new_tenant, event_types) -> None:
    t = new_tenant()
    response = await _create(client, t, event_types=event_types)
    assert_error(response, 422, None if not event_types else "UNKNOWN_EVENT_TYPE")


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://127.0.0.1/x", "WEBHOOK_URL_PRIVATE_ADDRESS"),
        ("https://10.0.0.1/x", "WEBHOOK_URL_PRIVATE_ADDRESS"),
        ("https://169.254.169.254/latest/meta-data", "WEBHOOK_URL_PRIVATE_ADDRESS"),
        ("https://[::1]/x", "WEBHOOK_URL_PRIVATE_ADDRESS"),
        ("https://[::ffff:127.0.0.1]/x", "WEBHOOK_URL_PRIVATE_ADDRESS"),
        ("https://localhost/x", "WEBHOOK_URL_PRIVATE_ADDRESS"),  # a name resolving to loopback
        ("http://93.184.215.14/x", "WEBHOOK_URL_NOT_HTTPS"),
        ("https://user:pw@93.184.215.14/x", "WEBHOOK_URL_INVALID"),
        ("https://no-such-host.invalid/x", "WEBHOOK_URL_UNRESOLVABLE"),
    ],
)
async def test_urls_refused_at_registration(strict_client, new_tenant, url, code) -> None:
    t = new_tenant()
    assert_error(await _create(strict_client, t, url=url), 422, code)


async def test_the_allowlist_lets_only_its_host_through(client, new_tenant) -> None:
    t = new_tenant()
    assert (await _create(client, t, url="http://127.0.0.1:9/x")).status_code == 201
    assert_error(await _create(client, t, url="http://10.0.0.1/x"), 422, "WEBHOOK_URL_NOT_HTTPS")
    assert_error(await _create(client, t, url="https://10.0.0.1/x"), 422, "WEBHOOK_URL_PRIVATE_ADDRESS")


async def test_patch_rechecks_the_url_and_reactivation_clears_the_disable(
    client, new_tenant, admin_conn
) -> None:
    t = new_tenant()
    endpoint = (await _create(client, t)).json()
    path = f"/api/v1/webhooks/endpoints/{endpoint['id']}"
    assert_error(
        await client.patch(path, json={"url": "https://10.0.0.1/x"}, headers=t.headers()),
        422,
        "WEBHOOK_URL_PRIVATE_ADDRESS",
    )
    await admin_conn.execute(
        "update webhooks.endpoints set active = false, disabled_at = now(), disabled_reason = 'x',"
        " failing_since = now() - interval '2 days' where id = $1",
        uuid.UUID(endpoint["id"]),
    )
    response = await client.patch(path, json={"active": True, "description": "back"}, headers=t.headers())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["active"] is True and body["description"] == "back"
    assert (body["disabled_at"], body["disabled_reason"], body["failing_since"]) == (None, None, None)
    assert body["version"] == 2
    assert_error(
        await client.patch(path, json={"active": None}, headers=t.headers()), 422, "VALIDATION_ERROR"
    )


async def test_rotation_answers_a_new_secret_and_keeps_the_old_for_a_day(client, new_tenant) -> None:
    t = new_tenant()
    endpoint = (await _create(client, t)).json()
    response = await client.post(
        f"/api/v1/webhooks/endpoints/{endpoint['id']}/rotate-secret", headers=t.headers()
    )
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["secret"] != endpoint["secret"] and rotated["secret"].startswith("whsec_")
    assert rotated["previous_secret_expires_at"] is not None
    read = (await client.get(f"/api/v1/webhooks/endpoints/{endpoint['id']}", headers=t.headers())).json()
    assert read["secret_hint"] == rotated["secret"][-4:]


async def test_test_event_log_and_redeliver(client, new_tenant, admin_conn) -> None:
    t = new_tenant()
    endpoint = (await _create(client, t)).json()
    base = f"/api/v1/webhooks/endpoints/{endpoint['id']}"
    queued = await client.post(f"{base}/test", headers={**t.headers(), "Idempotency-Key": "k1"})
    assert queued.status_code == 202, queued.text
    again = await client.post(f"{base}/test", headers={**t.headers(), "Idempotency-Key": "k1"})
    assert again.json() == queued.json() and again.headers.get("idempotent-replayed") == "true"
    delivery_id = queued.json()["delivery_id"]
    log = (await client.get(f"{base}/deliveries", headers=t.headers())).json()
    assert log["total"] == 1
    item = log["items"][0]
    assert item["id"] == delivery_id and item["event_type"] == "webhooks.test.v1"
    assert item["payload"]["delivery_id"] == delivery_id and item["status"] == "pending"
    pending = await client.post(f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver", headers=t.headers())
    assert_error(pending, 409, "DELIVERY_PENDING")
    await admin_conn.execute(
        "update webhooks.deliveries set status = 'failed', attempts = 7, next_attempt_at = null"
        " where id = $1",
        uuid.UUID(delivery_id),
    )
    failed = (await client.get(f"{base}/deliveries?status=failed", headers=t.headers())).json()
    assert failed["total"] == 1
    assert (await client.get(f"{base}/deliveries?status=succeeded", headers=t.headers())).json()["total"] == 0
    response = await client.post(f"/api/v1/webhooks/deliveries/{delivery_id}/redeliver", headers=t.headers())
    assert response.status_code == 202, response.text
    row = await admin_conn.fetchrow("select * from webhooks.deliveries where id = $1", uuid.UUID(delivery_id))
    assert (row["status"], row["attempts"], row["window_started_at"]) == ("pending", 7, None)
    assert_error(await client.get(f"{base}/deliveries?status=bogus", headers=t.headers()), 422)


async def test_another_tenant_sees_nothing(client, new_tenant) -> None:
    a, b = new_tenant(), new_tenant()
    endpoint = (await _create(client, a)).json()
    queued = (
        await client.post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/test", headers=a.headers())
    ).json()
    base = f"/api/v1/webhooks/endpoints/{endpoint['id']}"
    assert (await client.get("/api/v1/webhooks/endpoints", headers=b.headers())).json()["total"] == 0
    for response in (
        await client.get(base, headers=b.headers()),
        await client.patch(base, json={"description": "x"}, headers=b.headers()),
        await client.get(f"{base}/deliveries", headers=b.headers()),
        await client.post(f"{base}/rotate-secret", headers=b.headers()),
        await client.post(f"{base}/test", headers=b.headers()),
        await client.post(
            f"/api/v1/webhooks/deliveries/{queued['delivery_id']}/redeliver", headers=b.headers()
        ),
        await client.delete(base, headers=b.headers()),
    ):
        assert_error(response, 404)
    assert (await client.delete(base, headers=a.headers())).status_code == 204
    assert_error(await client.get(base, headers=a.headers()), 404)


async def test_inactive_endpoint_refuses_a_test_event(client, new_tenant) -> None:
    t = new_tenant()
    endpoint = (await _create(client, t, active=False)).json()
    response = await client.post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/test", headers=t.headers())
    assert_error(response, 409, "ENDPOINT_INACTIVE")
