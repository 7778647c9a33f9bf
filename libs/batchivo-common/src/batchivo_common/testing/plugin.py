"""pytest plugin (loaded with ``-p batchivo_common.testing.plugin``).

Every test run gets its own PostgreSQL database and roles (role names carry a per-run suffix because roles
are cluster-wide), its own RabbitMQ name prefix and Redis key prefix, and removes all of them at the end.
Servers are containers when a Docker engine answers, else the local ones on 127.0.0.1.

Fixtures:
- ``batchivo_infra``: the :class:`TestInfra` (servers, database, prefixes). Created on first use only, so
  pure unit tests need no server.
- ``signing_key``, ``token_issuer``, ``make_token``: access tokens for any tenant/role.
- ``s3_server``, ``s3_settings``: a real S3-compatible server on loopback and a fresh bucket
  (:mod:`batchivo_common.testing.s3`).

Service conftests call :func:`prepare_service_database` from a session fixture to bootstrap the service's
schema and roles and migrate it to head (never ``create_all``: RLS lives in the migrations).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from batchivo_common.auth.tokens import Role, SigningKey, TokenIssuer
from batchivo_common.db.bootstrap import bootstrap_service, drop_service_roles
from batchivo_common.db.roles import ServiceRoles, ident
from batchivo_common.testing.s3 import s3_server, s3_settings  # noqa: F401 (fixtures pytest registers)
from batchivo_common.testing.servers import Servers, test_servers

RUN_ID = os.environ.get("BATCHIVO_TEST_RUN_ID") or secrets.token_hex(4)
ROLE_SUFFIX = f"_t{RUN_ID}"
AMQP_PREFIX = f"t{RUN_ID}."
REDIS_PREFIX = f"batchivo-test:{RUN_ID}:"
JWT_ISSUER = "batchivo-auth"
JWT_AUDIENCE = "batchivo"


@dataclass(frozen=True)
class ServiceDatabase:
    roles: ServiceRoles
    app_url: str
    owner_url: str
    relay_url: str
    admin_url: str

    def settings_overrides(self, infra: TestInfra) -> dict[str, Any]:
        """Keyword arguments for a ``ServiceSettings`` subclass pointing at this test database."""
        return {
            "environment": "test",
            "database_url": self.app_url,
            "owner_database_url": self.owner_url,
            "relay_database_url": self.relay_url,
            "db_role_suffix": self.roles.suffix,
            "db_pool_size": 5,
            "db_max_overflow": 5,
            **infra.common_overrides(),
        }


@dataclass
class TestInfra:
    __test__ = False  # a fixture value, not a test class

    servers: Servers
    database: str
    role_password: str
    run_id: str = RUN_ID
    role_suffix: str = ROLE_SUFFIX
    amqp_prefix: str = AMQP_PREFIX
    redis_prefix: str = REDIS_PREFIX
    services: dict[str, ServiceDatabase] = field(default_factory=dict)

    @property
    def amqp_url(self) -> str:
        return self.servers.amqp_url

    @property
    def redis_url(self) -> str:
        return self.servers.redis_url

    def _dsn(self, user: str, password: str, database: str, driver: str = "postgresql") -> str:
        auth = f"{user}:{password}" if password else user
        return f"{driver}://{auth}@{self.servers.pg_host}:{self.servers.pg_port}/{database}"

    @property
    def admin_dsn(self) -> str:
        """asyncpg/libpq DSN of the superuser in the run's database."""
        return self._dsn(self.servers.pg_user, self.servers.pg_password, self.database)

    def role_url(self, role: str) -> str:
        """SQLAlchemy URL for one of the run's roles."""
        return self._dsn(role, self.role_password, self.database, "postgresql+asyncpg")

    def common_overrides(self) -> dict[str, Any]:
        return {
            "amqp_url": self.amqp_url,
            "amqp_prefix": self.amqp_prefix,
            "redis_url": self.redis_url,
            "redis_prefix": self.redis_prefix,
            "jwt_issuer": JWT_ISSUER,
            "jwt_audience": JWT_AUDIENCE,
        }


def pytest_configure(config: pytest.Config) -> None:
    # Settings built anywhere in this process (including subprocesses) see the run's names.
    os.environ["BATCHIVO_ENV"] = "test"
    os.environ["BATCHIVO_DB_ROLE_SUFFIX"] = ROLE_SUFFIX
    os.environ["BATCHIVO_AMQP_PREFIX"] = AMQP_PREFIX
    os.environ["BATCHIVO_REDIS_PREFIX"] = REDIS_PREFIX


async def _create_database(servers: Servers, database: str) -> None:
    conn = await asyncpg.connect(
        host=servers.pg_host,
        port=servers.pg_port,
        user=servers.pg_user,
        password=servers.pg_password or None,
        database="postgres",
    )
    try:
        await conn.execute(f'CREATE DATABASE "{ident(database)}"')
    finally:
        await conn.close()


async def _drop_everything(infra: TestInfra) -> None:
    conn = await asyncpg.connect(
        host=infra.servers.pg_host,
        port=infra.servers.pg_port,
        user=infra.servers.pg_user,
        password=infra.servers.pg_password or None,
        database="postgres",
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{ident(infra.database)}" WITH (FORCE)')
        for db in infra.services.values():
            await drop_service_roles(conn, db.roles)
    finally:
        await conn.close()


async def _drop_redis_keys(infra: TestInfra) -> None:
    import redis.asyncio as redis

    client = redis.from_url(infra.redis_url)
    try:
        async for key in client.scan_iter(match=f"{infra.redis_prefix}*", count=500):
            await client.delete(key)
    finally:
        await client.aclose()


#: Called at the end of the run with the infra; the messaging package registers its broker clean-up here.
FINALIZERS: list[Callable[[TestInfra], Any]] = []


@pytest.fixture(scope="session")
def batchivo_infra() -> Iterator[TestInfra]:
    with test_servers() as servers:
        infra = TestInfra(
            servers=servers, database=f"batchivo_test_{RUN_ID}", role_password=secrets.token_hex(16)
        )
        asyncio.run(_create_database(servers, infra.database))
        os.environ["BATCHIVO_AMQP_URL"] = infra.amqp_url
        os.environ["BATCHIVO_REDIS_URL"] = infra.redis_url
        try:
            yield infra
        finally:
            for finalizer in FINALIZERS:
                with contextlib.suppress(Exception):
                    result = finalizer(infra)
                    if asyncio.iscoroutine(result):
                        asyncio.run(result)
            with contextlib.suppress(Exception):
                asyncio.run(_drop_redis_keys(infra))
            asyncio.run(_drop_everything(infra))


async def create_service_schema(infra: TestInfra, service: str) -> ServiceDatabase:
    """Create ``service``'s schema and roles in the run's database (no tables); dropped with the run."""
    if service in infra.services:
        return infra.services[service]
    roles = ServiceRoles(service, infra.role_suffix)
    db = ServiceDatabase(
        roles=roles,
        app_url=infra.role_url(roles.app),
        owner_url=infra.role_url(roles.owner),
        relay_url=infra.role_url(roles.relay),
        admin_url=infra.admin_dsn,
    )
    infra.services[service] = db  # registered first, so clean-up drops the roles whatever happens next
    conn = await asyncpg.connect(infra.admin_dsn)
    try:
        await bootstrap_service(conn, roles)
        for role in roles.all:
            await conn.execute(f"ALTER ROLE {ident(role)} PASSWORD '{infra.role_password}'")
    finally:
        await conn.close()
    return db


def prepare_service_database(infra: TestInfra, service: str, alembic_ini: Path) -> ServiceDatabase:
    """Bootstrap ``service``'s schema and roles in the run's database and migrate it to head (once)."""
    if service in infra.services:
        return infra.services[service]
    db = asyncio.run(create_service_schema(infra, service))
    alembic(alembic_ini, db, infra, "upgrade", "head")
    return db


def alembic(alembic_ini: Path, db: ServiceDatabase, infra: TestInfra, *args: str) -> None:
    """Run an Alembic command for a service in a subprocess (its env.py runs its own event loop)."""
    prefix = db.roles.schema.upper()
    env = {
        **os.environ,
        f"{prefix}_DATABASE_URL": db.app_url,
        f"{prefix}_OWNER_DATABASE_URL": db.owner_url,
        f"{prefix}_RELAY_DATABASE_URL": db.relay_url,
        "BATCHIVO_DB_ROLE_SUFFIX": db.roles.suffix,
        "BATCHIVO_ENV": "test",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "alembic", "-c", str(alembic_ini), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"alembic {' '.join(args)} failed for {db.roles.schema}:\n{result.stderr}")


async def truncate_service_tables(db: ServiceDatabase, keep: tuple[str, ...] = ("alembic_version",)) -> None:
    """Empty every table of the service's schema (between HTTP tests), as the superuser."""
    conn = await asyncpg.connect(db.admin_url)
    try:
        tables = await conn.fetch("select tablename from pg_tables where schemaname = $1", db.roles.schema)
        names = [
            f"{ident(db.roles.schema)}.{ident(t['tablename'])}" for t in tables if t["tablename"] not in keep
        ]
        if names:
            await conn.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="session")
def token_issuer(signing_key: SigningKey) -> TokenIssuer:
    return TokenIssuer(signing_key, JWT_ISSUER, JWT_AUDIENCE)


@pytest.fixture(scope="session")
def make_token(token_issuer: TokenIssuer) -> Callable[..., str]:
    def make(
        tenant_id: uuid.UUID | None = None, role: Role = Role.owner, user_id: uuid.UUID | None = None
    ) -> str:
        token, _ = token_issuer.issue(user_id or uuid.uuid4(), tenant_id or uuid.uuid4(), role)
        return token

    return make
