"""The tenant context that row-level security reads.

The tenant of a request or of an event lives in a ContextVar. Every transaction begun on a service
engine's connection (:class:`TenantBoundConnection`, installed by ``engine.create_engine``) starts with
``set_config('app.tenant_id', <tenant>, true)`` (transaction-local, so a pooled connection never carries it
over), sent in the same message as its ``BEGIN``: binding the tenant costs no round trip of its own. With no
tenant set the value is the empty string, which the policies turn into NULL: the query sees no rows and can
write none (fail closed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

current_tenant: ContextVar[uuid.UUID | None] = ContextVar("batchivo_tenant", default=None)
#: The next transaction may let PostgreSQL reuse a generic plan for its prepared statements (see
#: :func:`generic_plans_sql`). Off by default: engines plan every statement for its values
#: (``plan_cache_mode=force_custom_plan``, ADR 0007), because tenants differ in size by orders of magnitude.
generic_plans: ContextVar[bool] = ContextVar("batchivo_generic_plans", default=False)


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


def set_tenant_sql(tenant: uuid.UUID | None) -> str:
    """The statement that binds a transaction to ``tenant`` (None: to no tenant). The value is inlined, not
    bound, so that it can ride in one simple-protocol message with ``BEGIN``: a UUID's text is hex digits and
    dashes only, so nothing else can get into the statement."""
    if tenant is None:
        return "SELECT set_config('app.tenant_id', '', true);"
    if not isinstance(tenant, uuid.UUID):  # a str would be inlined as given
        raise TypeError(f"tenant must be a UUID, not {type(tenant).__name__}")
    return f"SELECT set_config('app.tenant_id', '{tenant}', true);"


#: Sent with a BEGIN when :data:`generic_plans` is set: for this transaction only, PostgreSQL plans a
#: prepared statement generically once it has seen it five times (its default), instead of planning it
#: for every execution. Meant for the statements of hot requests that read or write a few rows by key
#: (a spool by id, its ledger row), whose best plan does not depend on the tenant's size; never for lists.
GENERIC_PLANS_SQL = "SELECT set_config('plan_cache_mode', 'auto', true);"


class TenantBoundConnection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg ships no types
    """An asyncpg connection whose every top-level ``BEGIN`` also binds the transaction to the ContextVar's
    tenant, in the same message (one round trip where a separate ``set_config`` took two).

    asyncpg starts a transaction (SQLAlchemy's, or ``Connection.transaction()``) by ``execute``-ing its
    ``BEGIN ...;`` text without arguments, which uses the simple query protocol: several statements may share
    the message. Savepoints (``SAVEPOINT x;``) are left alone: the setting made at ``BEGIN`` holds for the
    whole transaction. Should a later asyncpg begin transactions otherwise, nothing would bind the tenant and
    every query would see no rows (fail closed); the RLS tests would fail at once."""

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:  # noqa: ASYNC109 (asyncpg's signature)
        if not args and query.startswith("BEGIN"):
            query = f"{query.rstrip().rstrip(';')}; {set_tenant_sql(current_tenant.get())}"
            if generic_plans.get():
                query = f"{query} {GENERIC_PLANS_SQL}"
        result: str = await super().execute(query, *args, timeout=timeout)
        return result


class TenantSession(Session):
    """The session class of :func:`~batchivo_common.db.engine.tenant_sessionmaker`. Its transactions are
    bound to the ContextVar's tenant by the connection (:class:`TenantBoundConnection`) at ``BEGIN``."""


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
