"""The shared principal and role dependencies on a tiny app (ASGI, no server)."""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from batchivo_common.app import create_service_app
from batchivo_common.auth.deps import MemberDep, require_role
from batchivo_common.auth.tokens import (
    Principal,
    Role,
    SigningKey,
    StaticKeySource,
    TokenIssuer,
    TokenVerifier,
)
from batchivo_common.db.tenancy import current_tenant
from batchivo_common.settings import CommonSettings
from fastapi import Depends

KEY = SigningKey.generate()
ISSUER = TokenIssuer(KEY, "iss", "aud")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_service_app(CommonSettings(), service="demo", title="demo", configure_process=False)
    app.state.token_verifier = TokenVerifier(StaticKeySource.of(KEY), "iss", "aud")

    @app.post("/things")
    async def create(principal: MemberDep) -> dict[str, str]:
        # The tenant ContextVar the database session reads is the verified token's tenant.
        return {"tenant": str(current_tenant.get()), "role": principal.role.value}

    @app.delete("/things")
    async def delete(principal: Annotated[Principal, Depends(require_role(Role.admin))]) -> dict[str, str]:
        return {"role": principal.role.value}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


def bearer(role: Role, tenant: uuid.UUID | None = None) -> dict[str, str]:
    token, _ = ISSUER.issue(uuid.uuid4(), tenant or uuid.uuid4(), role)
    return {"Authorization": f"Bearer {token}"}


async def test_roles_at_or_above_the_minimum_pass(client: httpx.AsyncClient) -> None:
    tenant = uuid.uuid4()
    response = await client.post("/things", headers=bearer(Role.member, tenant))
    assert response.json() == {"tenant": str(tenant), "role": "member"}
    assert (await client.delete("/things", headers=bearer(Role.owner))).status_code == 200


async def test_lower_roles_get_403_in_the_error_format(client: httpx.AsyncClient) -> None:
    response = await client.post("/things", headers=bearer(Role.viewer))
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"
    assert (await client.delete("/things", headers=bearer(Role.member))).status_code == 403


async def test_missing_or_bad_tokens_get_401(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        response = await client.post("/things", headers=headers)
        assert response.status_code == 401
        assert response.json()["code"] == "UNAUTHENTICATED"
        assert response.headers["www-authenticate"] == "Bearer"
