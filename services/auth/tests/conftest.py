"""Fixtures of the auth service's tests: the migrated schema, the app in its lifespan, an HTTP client,
and helpers that register tenants and users through the API."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import redis.asyncio as redis
from batchivo_auth.main import create_app
from batchivo_auth.settings import AuthSettings
from batchivo_common.auth.tokens import Principal, SigningKey
from batchivo_common.testing.assertions import assert_error
from batchivo_common.testing.plugin import (
    ServiceDatabase,
    TestInfra,
    prepare_service_database,
    truncate_service_tables,
)
from fastapi import FastAPI
from pydantic import SecretStr

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def auth_db(batchivo_infra: TestInfra) -> ServiceDatabase:
    return prepare_service_database(batchivo_infra, "auth", ALEMBIC_INI)


@pytest.fixture(scope="session")
def auth_settings(
    auth_db: ServiceDatabase, batchivo_infra: TestInfra, signing_key: SigningKey
) -> AuthSettings:
    return AuthSettings(
        **auth_db.settings_overrides(batchivo_infra),
        bcrypt_rounds=4,
        signing_key=SecretStr(signing_key.to_pem().decode()),
    )


@pytest.fixture(scope="session")
async def app(auth_settings: AuthSettings) -> AsyncIterator[FastAPI]:
    application = create_app(auth_settings, configure_process=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI, auth_db: ServiceDatabase) -> AsyncIterator[httpx.AsyncClient]:
    await truncate_service_tables(auth_db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://auth.test") as c:
        yield c


@pytest.fixture
async def redis_client(batchivo_infra: TestInfra) -> AsyncIterator[redis.Redis]:
    client = redis.from_url(batchivo_infra.redis_url, decode_responses=True)
    yield client
    await client.aclose()


@dataclass
class Account:
    """A registered person in their own new tenant, with the token pair registration returned."""

    email: str
    password: str
    access_token: str
    refresh_token: str
    principal: Principal

    @property
    def user_id(self) -> uuid.UUID:
        return self.principal.user_id

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.principal.tenant_id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class AuthApi:
    """Helpers over the HTTP client (tests use importlib mode, so helpers come as a fixture)."""

    password = PASSWORD

    def __init__(self, client: httpx.AsyncClient, app: FastAPI):
        self.client, self.app = client, app

    async def register(
        self,
        email: str | None = None,
        tenant_name: str = "Acme Prints",
        full_name: str = "Ada Maker",
        **extra: Any,
    ) -> Account:
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.com"
        body = {
            "email": email,
            "password": PASSWORD,
            "full_name": full_name,
            "tenant_name": tenant_name,
            **extra,
        }
        response = await self.client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 201, response.text
        return await self.account(email.lower(), response.json())

    async def account(self, email: str, tokens: dict[str, Any]) -> Account:
        principal = await self.verify(tokens["access_token"])
        return Account(email, PASSWORD, tokens["access_token"], tokens["refresh_token"], principal)

    async def verify(self, access_token: str) -> Principal:
        principal: Principal = await self.app.state.token_verifier.verify(access_token)
        return principal

    async def login(self, email: str, password: str = PASSWORD, **extra: Any) -> httpx.Response:
        return await self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password, **extra}
        )

    async def invite(self, inviter: Account, email: str, role: str) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/tenant/invitations", json={"email": email, "role": role}, headers=inviter.headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def add_member(self, owner: Account, member: Account, role: str) -> Account:
        """Invite ``member`` to ``owner``'s tenant with ``role`` and accept; the returned account is logged in
        there."""
        invitation = await self.invite(owner, member.email, role)
        accepted = await self.client.post(
            f"/api/v1/auth/invitations/{invitation['id']}/accept", headers=member.headers
        )
        assert accepted.status_code == 200, accepted.text
        login = await self.login(member.email, tenant_id=str(owner.tenant_id))
        assert login.status_code == 200, login.text
        return await self.account(member.email, login.json())

    @staticmethod
    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    @staticmethod
    def error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
        """Assert the project's one error shape with the expected status (and code); return the body."""
        return assert_error(response, status, code)


@pytest.fixture
def api(client: httpx.AsyncClient, app: FastAPI) -> AuthApi:
    return AuthApi(client, app)


class RefreshTokenRows:
    """Direct reads and clock moves on ``auth.refresh_tokens`` (as the superuser, past RLS)."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url

    async def age_rotations(self, seconds: int) -> None:
        """Move every rotation (``used_at``) ``seconds`` into the past: the grace window has passed."""
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(
                "update auth.refresh_tokens set used_at = used_at - make_interval(secs => $1)"
                " where used_at is not null",
                float(seconds),
            )
        finally:
            await conn.close()

    async def of_user(self, user_id: uuid.UUID) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.admin_url)
        try:
            return await conn.fetch(
                "select family_id, used_at, revoked_at from auth.refresh_tokens where user_id = $1",
                user_id,
            )
        finally:
            await conn.close()


@pytest.fixture
def refresh_rows(auth_db: ServiceDatabase) -> RefreshTokenRows:
    return RefreshTokenRows(auth_db.admin_url)
