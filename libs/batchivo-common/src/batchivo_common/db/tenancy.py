"""The tenant context that row-level security reads.

The tenant of a request or of an event lives in a ContextVar. Every transaction opened by a tenant
session starts with ``set_config('app.tenant_id', <tenant>, true)`` (transaction-local, so a pooled
connection never carries it over). With no tenant set the value is the empty string, which the
policies turn into NULL: the query sees no rows and can write none (fail closed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session, SessionTransaction

current_tenant: ContextVar[uuid.UUID | None] = ContextVar("batchivo_tenant", default=None)

_SET_TENANT = text("select set_config('app.tenant_id', :tenant, true)")


def get_tenant() -> uuid.UUID | None:
    return current_tenant.get()


@contextmanager
def tenant_scope(tenant_id: uuid.UUID | None) -> Iterator[None]:
    """Run a block (a handler, a test) as ``tenant_id``."""
    token = current_tenant.set(tenant_id)
    try:
        yield
    finally:
        current_tenant.reset(token)


class TenantSession(Session):
    """A Session whose every transaction is bound to the tenant in the ContextVar (see module doc)."""


def _set_tenant_on_begin(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    tenant = current_tenant.get()
    connection.execute(_SET_TENANT, {"tenant": str(tenant) if tenant else ""})


def _install() -> None:
    from sqlalchemy import event

    event.listen(TenantSession, "after_begin", _set_tenant_on_begin)


_install()


class UnsafeDatabaseRole(RuntimeError):
    """The app connected with a role that could see past row-level security."""


async def check_app_role(engine: AsyncEngine) -> dict[str, Any]:
    """Refuse to serve when the connected role is a superuser, has BYPASSRLS or owns any relation.

    Any of those would silently switch row-level security off for this process.
    """
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "select r.rolname, r.rolsuper, r.rolbypassrls,"
                    " (select count(*) from pg_class c where c.relowner = r.oid"
                    "   and c.relnamespace not in (select oid from pg_namespace"
                    "     where nspname in ('pg_catalog', 'information_schema') or nspname like 'pg_toast%'))"
                    " from pg_roles r where r.rolname = current_user"
                )
            )
        ).one()
    facts = {"role": row[0], "superuser": row[1], "bypassrls": row[2], "owned_relations": int(row[3])}
    if facts["superuser"] or facts["bypassrls"] or facts["owned_relations"]:
        raise UnsafeDatabaseRole(
            f"database role {facts['role']!r} must be NOSUPERUSER NOBYPASSRLS and own no table: {facts}"
        )
    return facts
