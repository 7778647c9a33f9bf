"""Key rotation: after putting a new key first and running the command, every data key is wrapped by the
new key, the old key can be removed, and every endpoint still signs with its unchanged secret."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from batchivo_common.db.engine import create_engine
from batchivo_webhooks import crypto
from batchivo_webhooks.rotate_keys import main, rewrap_all
from batchivo_webhooks.vault import signing_secrets

pytestmark = [pytest.mark.db, pytest.mark.redis]


async def _secrets(admin_conn, keyring: crypto.Keyring) -> dict[uuid.UUID, list[str]]:
    rows = await admin_conn.fetch("select * from webhooks.endpoints")
    return {
        r["id"]: signing_secrets(
            keyring, r["id"], r["secret_key_id"], r["secret_wrapped_key"], r["secret_nonce"],
            r["secret_ciphertext"], r["previous_secret_nonce"], r["previous_secret_ciphertext"],
            r["previous_secret_expires_at"], datetime.now(UTC),
        )
        for r in rows
    }  # fmt: skip


async def test_rewrap_all_then_drop_the_old_key(client, new_tenant, admin_conn, webhooks_settings) -> None:
    old_entry = webhooks_settings.encryption_keys[0].get_secret_value()
    t = new_tenant()
    created = []
    for _ in range(3):
        response = await client.post(
            "/api/v1/webhooks/endpoints",
            json={"url": "https://93.184.215.14/x", "event_types": ["inventory.spool.created.v1"]},
            headers=t.headers(),
        )
        created.append(response.json())
    rotated = await client.post(
        f"/api/v1/webhooks/endpoints/{created[0]['id']}/rotate-secret", headers=t.headers()
    )
    old_ring = crypto.parse_keyring([old_entry])
    before = await _secrets(admin_conn, old_ring)
    assert before[uuid.UUID(created[1]["id"])] == [created[1]["secret"]]
    assert before[uuid.UUID(created[0]["id"])] == [rotated.json()["secret"], created[0]["secret"]]

    new_entry = crypto.new_key_entry("test2")
    both = crypto.parse_keyring([new_entry, old_entry])
    engine = create_engine(webhooks_settings.relay_database_url, application_name="rotate-test")
    try:
        report = await rewrap_all(engine, both, batch=2)
        assert (report.rewrapped, report.already_current) == (3, 0)
        again = await rewrap_all(engine, both)
        assert (again.rewrapped, again.already_current) == (0, 3)
    finally:
        await engine.dispose()
    assert {r[0] for r in await admin_conn.fetch("select secret_key_id from webhooks.endpoints")} == {"test2"}
    assert await _secrets(admin_conn, crypto.parse_keyring([new_entry])) == before
    with pytest.raises(crypto.KeyringError):
        await _secrets(admin_conn, old_ring)


def test_new_key_prints_an_entry(capsys) -> None:
    assert main(["--new-key", "k9"]) == 0
    key_id, key = crypto.parse_key(capsys.readouterr().out.strip())
    assert key_id == "k9" and len(key) == 32
