"""Create a service's schema and its three roles, and the extensions they use (run once, as a superuser).

``python -m batchivo_common.db.bootstrap --admin-url postgresql://postgres@127.0.0.1/batchivo auth inventory``

Idempotent. Passwords come from ``BATCHIVO_DB_PASSWORD_<ROLE>`` when set (production); on a dev box with
trust authentication the roles get none. Each login role gets its session timeouts
(``roles.ROLE_SETTINGS``: statement, lock and idle-in-transaction; docs/adr/0007-database-timeouts.md).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os

import asyncpg

from batchivo_common.db.roles import ServiceRoles, ident

logger = logging.getLogger(__name__)


async def bootstrap_service(conn: asyncpg.Connection, roles: ServiceRoles) -> None:
    for role in roles.all:
        exists = await conn.fetchval("select 1 from pg_roles where rolname = $1", role)
        if not exists:
            await conn.execute(
                f"CREATE ROLE {ident(role)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            )
        password = os.environ.get(f"BATCHIVO_DB_PASSWORD_{role.upper()}")
        if password:
            await conn.execute(f"ALTER ROLE {ident(role)} PASSWORD {_literal(password)}")
    for role, values in roles.settings().items():
        # Timeouts every session of the role starts with (roles.ROLE_SETTINGS); re-running bootstrap
        # applies changed values to new connections.
        for name, value in values.items():
            await conn.execute(f"ALTER ROLE {ident(role)} SET {ident(name)} = {_literal(value)}")
    for role in roles.nologin:
        if not await conn.fetchval("select 1 from pg_roles where rolname = $1", role):
            await conn.execute(
                f"CREATE ROLE {ident(role)} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            )
        if not await conn.fetchval("select pg_has_role($1, $2, 'MEMBER')", roles.owner, role):
            await conn.execute(f"GRANT {ident(role)} TO {ident(roles.owner)}")
    # Search (docs/adr/0014-spool-search.md): trigrams for typos, btree_gin for (tenant_id, document) GIN
    # indexes, unaccent to fold accents (Café = cafe). Extensions are created by a superuser once per
    # database; migrations (owner) only use them.
    await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    await conn.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    await conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # Under row-level security the planner may use an index for a condition only if its function is
    # LEAKPROOF; text search's `tsvector @@ tsquery` is not marked so, which makes every search under RLS
    # a scan of the tenant's rows. It returns a boolean and raises no error that shows a row's value.
    # Only a superuser may do this; an admin that is not one gets correct but slower searches.
    try:
        await conn.execute("ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF")
    except asyncpg.InsufficientPrivilegeError:
        logger.warning("not a superuser: tsvector @@ tsquery stays non-LEAKPROOF; searches under RLS scan")
    schema = ident(roles.schema)
    await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {ident(roles.owner)}")
    await conn.execute(f"ALTER SCHEMA {schema} OWNER TO {ident(roles.owner)}")
    await conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {ident(roles.app)}, {ident(roles.relay)}")
    await conn.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC")
    database = await conn.fetchval("select current_database()")
    await conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {", ".join(ident(r) for r in roles.all)}')


async def drop_service_roles(conn: asyncpg.Connection, roles: ServiceRoles) -> None:
    """Remove the roles (tests): objects they own in this database go first."""
    for role in (*roles.nologin, *roles.all):
        if await conn.fetchval("select 1 from pg_roles where rolname = $1", role):
            await conn.execute(f"DROP OWNED BY {ident(role)} CASCADE")
            await conn.execute(f"DROP ROLE {ident(role)}")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def _main(admin_url: str, services: list[str], suffix: str, create_database: bool) -> None:
    if create_database:
        base, _, database = admin_url.rpartition("/")
        conn = await asyncpg.connect(base + "/postgres")
        try:
            if not await conn.fetchval("select 1 from pg_database where datname = $1", database):
                await conn.execute(f'CREATE DATABASE "{ident(database)}"')
        finally:
            await conn.close()
    conn = await asyncpg.connect(admin_url)
    try:
        for service in services:
            await bootstrap_service(conn, ServiceRoles(service, suffix))
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "BATCHIVO_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/batchivo"
        ),
    )
    parser.add_argument("--role-suffix", default=os.environ.get("BATCHIVO_DB_ROLE_SUFFIX", ""))
    parser.add_argument("--create-database", action="store_true")
    parser.add_argument("services", nargs="+")
    args = parser.parse_args()
    asyncio.run(_main(args.admin_url, args.services, args.role_suffix, args.create_database))


if __name__ == "__main__":
    main()
