"""The webhooks schema's metadata, declarative base and inbox table.

Tables: ``endpoints`` (where a tenant wants its events, the signing secret encrypted), ``deliveries`` (one
per endpoint and event: the exact body and the attempt log) and ``inbox``. The service publishes no events,
so it has no outbox. The migration in ``migrations/versions`` is the source of truth for RLS and grants.
"""

from __future__ import annotations

from batchivo_common.db.base import service_metadata
from batchivo_common.messaging.inbox import inbox_table
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "webhooks"

metadata = service_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata


inbox = inbox_table(metadata)


# Imported last, for its side effect: the ORM classes register their tables on ``metadata``.
import batchivo_webhooks.models  # noqa: E402, F401
