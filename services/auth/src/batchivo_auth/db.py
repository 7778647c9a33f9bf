"""The auth schema's metadata, declarative base, outbox/inbox tables, and tenant binding.

Tables: ``tenants``, ``memberships``, ``refresh_tokens``, ``api_keys`` (tenant rows under RLS), ``users``
(global: a person may belong to several tenants), ``outbox`` and ``inbox``. The migration in
``migrations/versions`` is the source of truth for RLS, grants and the login-lookup functions.
"""

from __future__ import annotations

import uuid

from batchivo_common.db.base import service_metadata
from batchivo_common.db.tenancy import current_tenant
from batchivo_common.messaging.inbox import inbox_table
from batchivo_common.messaging.outbox import outbox_table
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "auth"

metadata = service_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


async def bind_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Switch the session's current transaction (and the request's context) to ``tenant_id``.

    For the flows that learn their tenant half-way through (register, login, refresh, API-key exchange):
    the transaction began with no tenant, so RLS showed nothing; from here on it shows ``tenant_id``'s rows.
    ``set_config(..., true)`` is transaction-local, like the ``after_begin`` hook's.
    """
    current_tenant.set(tenant_id)
    await session.execute(select(func.set_config("app.tenant_id", str(tenant_id), True)))


# Imported last, for their side effect: the ORM classes register their tables on ``metadata`` (they
# import ``Base`` from here, so Alembic and the app always see the complete schema).
import batchivo_auth.invitations.models  # noqa: E402
import batchivo_auth.tenants.models  # noqa: E402
import batchivo_auth.tokens.models  # noqa: E402
import batchivo_auth.users.models  # noqa: E402, F401
