"""Rewrap every endpoint's data key with the current key-encryption key (the first of
``WEBHOOKS_ENCRYPTION_KEYS``), so the older keys can be removed from the list afterwards.

    WEBHOOKS_ENCRYPTION_KEYS="k2:<new>,k1:<old>" python -m batchivo_webhooks.rotate_keys
    # then deploy with WEBHOOKS_ENCRYPTION_KEYS="k2:<new>"

``--new-key <id>`` prints a fresh ``<id>:<base64>`` entry to put first in the list and exits.

Connects as the relay role (``WEBHOOKS_RELAY_DATABASE_URL``), whose SELECT/UPDATE policies reach every
tenant's endpoints (the app role sees one tenant; FORCE RLS hides rows from the owner). Only the wrapped
keys change: no secret is decrypted, none is printed or logged. Idempotent; safe to run while the service
runs (each row is locked while it is rewrapped).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass

from batchivo_common.db.engine import create_engine
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from batchivo_webhooks import crypto
from batchivo_webhooks.settings import WebhooksSettings
from batchivo_webhooks.vault import load_keyring


@dataclass(frozen=True)
class RotationReport:
    rewrapped: int
    already_current: int


async def rewrap_all(engine: AsyncEngine, keyring: crypto.Keyring, batch: int = 200) -> RotationReport:
    rewrapped = 0
    async with engine.begin() as conn:
        already = (
            await conn.execute(
                text("SELECT count(*) FROM webhooks.endpoints WHERE secret_key_id = :current"),
                {"current": keyring.current_id},
            )
        ).scalar_one()
    while True:
        async with engine.begin() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT id, secret_key_id, secret_wrapped_key FROM webhooks.endpoints"
                        " WHERE secret_key_id <> :current ORDER BY id LIMIT :batch FOR UPDATE SKIP LOCKED"
                    ),
                    {"current": keyring.current_id, "batch": batch},
                )
            ).all()
            if not rows:
                break
            for row in rows:
                new = crypto.rewrap(
                    keyring, row.id, crypto.WrappedKey(row.secret_key_id, bytes(row.secret_wrapped_key))
                )
                await conn.execute(
                    text(
                        "UPDATE webhooks.endpoints SET secret_key_id = :key_id, secret_wrapped_key = :wrapped"
                        " WHERE id = :id"
                    ),
                    {"id": row.id, "key_id": new.key_id, "wrapped": new.wrapped},
                )
            rewrapped += len(rows)
    return RotationReport(rewrapped, int(already))


async def _main(settings: WebhooksSettings) -> RotationReport:
    keyring = load_keyring(settings)
    engine = create_engine(settings.relay_database_url, application_name="webhooks-rotate-keys")
    try:
        return await rewrap_all(engine, keyring)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m batchivo_webhooks.rotate_keys", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--new-key", metavar="KEY_ID", help="print a fresh <KEY_ID>:<base64> entry and exit")
    args = parser.parse_args(argv)
    if args.new_key:
        print(crypto.new_key_entry(args.new_key))
        return 0
    report = asyncio.run(_main(WebhooksSettings()))
    print(f"rewrapped {report.rewrapped} data keys; {report.already_current} were already current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
