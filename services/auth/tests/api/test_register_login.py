"""Sign-up and login: token pairs, the same 401 for a wrong email or password, tenants to log into."""

from __future__ import annotations

import uuid

import httpx
import pytest
from batchivo_common.auth.tokens import Role


async def test_register_returns_201_with_a_token_pair_for_the_new_owner(
    client: httpx.AsyncClient, api
) -> None:
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "Ada@Example.COM",
            "password": api.password,
            "full_name": "Ada Maker",
            "tenant_name": "Ada's Prints",
        },
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == "/api/v1/auth/me"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    principal = await api.verify(body["access_token"])
    assert principal.role is Role.owner

    me = await client.get("/api/v1/auth/me", headers=api.bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    data = me.json()
    assert data["user"] == {
        "id": str(principal.user_id),
        "email": "ada@example.com",
        "full_name": "Ada Maker",
    }
    assert data["tenant"] == {
        "id": str(principal.tenant_id),
        "name": "Ada's Prints",
        "slug": "ada-s-prints",
        "currency_code": "GBP",
    }
    assert data["role"] == "owner"
    assert data["memberships"] == [
        {"tenant_id": str(principal.tenant_id), "tenant_name": "Ada's Prints", "role": "owner"}
    ]


async def test_register_with_a_taken_email_in_any_case_is_409(client: httpx.AsyncClient, api) -> None:
    await api.register("maker@example.com")
    response = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "MAKER@example.com",
            "password": api.password,
            "full_name": "B",
            "tenant_name": "Other",
        },
    )
    api.error(response, 409, "CONFLICT")


async def test_register_stores_the_currency_upper_cased(client: httpx.AsyncClient, api) -> None:
    account = await api.register(currency_code="eur")
    me = (await client.get("/api/v1/auth/me", headers=account.headers)).json()
    assert me["tenant"]["currency_code"] == "EUR"


async def test_the_same_tenant_name_gets_a_different_slug(client: httpx.AsyncClient, api) -> None:
    first = await api.register(tenant_name="Acme Prints")
    second = await api.register(tenant_name="Acme Prints")
    slug_1 = (await client.get("/api/v1/auth/me", headers=first.headers)).json()["tenant"]["slug"]
    slug_2 = (await client.get("/api/v1/auth/me", headers=second.headers)).json()["tenant"]["slug"]
    assert slug_1 == "acme-prints"
    assert slug_2.startswith("acme-prints-")
    assert slug_2 != slug_1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "short7!"}, "password"),
        ({"password": "x" * 129}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"email": 12345}, "email"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "n" * 201}, "full_name"),
        ({"tenant_name": "t" * 201}, "tenant_name"),
        ({"tenant_name": None}, "tenant_name"),
        ({"currency_code": "GB"}, "currency_code"),
        ({"currency_code": "G1P"}, "currency_code"),
        ({"currency_code": ["GBP"]}, "currency_code"),
    ],
)
async def test_register_refuses_a_bad_body_with_422(
    client: httpx.AsyncClient, api, change: dict[str, object], field: str
) -> None:
    body = {
        "email": "ok@example.com",
        "password": api.password,
        "full_name": "Ok",
        "tenant_name": "Ok",
        **change,
    }
    response = await client.post("/api/v1/auth/register", json=body)
    error = api.error(response, 422, "VALIDATION_ERROR")
    assert any(e["loc"][-1] == field for e in error["errors"]), error


async def test_register_accepts_a_password_of_exactly_8_and_128_characters(
    client: httpx.AsyncClient, api
) -> None:
    for password in ("p" * 8, "p" * 127 + "é"):
        response = await client.post(
            "/api/v1/auth/register",
            json={
                "email": f"{len(password)}@example.com",
                "password": password,
                "full_name": "A",
                "tenant_name": "T",
            },
        )
        assert response.status_code == 201, response.text
        assert (await api.login(f"{len(password)}@example.com", password)).status_code == 200


async def test_login_returns_a_token_pair(api) -> None:
    account = await api.register()
    response = await api.login(account.email.upper())
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    principal = await api.verify(body["access_token"])
    assert (principal.user_id, principal.tenant_id, principal.role) == (
        account.user_id,
        account.tenant_id,
        Role.owner,
    )


async def test_wrong_password_and_unknown_email_get_the_same_401_after_the_same_work(
    api, app, monkeypatch
) -> None:
    account = await api.register()
    hasher = app.state.password_hasher
    checks: list[bytes] = []
    original = hasher._verify

    def counting(password: str, hashed: bytes) -> bool:
        checks.append(hashed)
        return original(password, hashed)

    monkeypatch.setattr(hasher, "_verify", counting)
    wrong_password = await api.login(account.email, "not the password")
    unknown_email = await api.login("nobody@example.com", "not the password")
    assert api.error(wrong_password, 401, "UNAUTHENTICATED") == api.error(
        unknown_email, 401, "UNAUTHENTICATED"
    )
    # One bcrypt check each, at the same cost: the unknown email is checked against a dummy hash.
    assert len(checks) == 2
    assert checks[0][:7] == checks[1][:7]  # "$2b$04$": same algorithm and cost


async def test_login_with_a_bad_body_is_422_not_401(api) -> None:
    response = await api.client.post("/api/v1/auth/login", json={"email": "x@example.com"})
    api.error(response, 422, "VALIDATION_ERROR")


async def test_login_goes_to_the_oldest_membership_unless_a_tenant_is_asked_for(api) -> None:
    member = await api.register(tenant_name="Own Shop")
    other = await api.register(tenant_name="Other Shop")
    await api.add_member(other, member, "member")

    default = await api.verify((await api.login(member.email)).json()["access_token"])
    assert (default.tenant_id, default.role) == (member.tenant_id, Role.owner)

    chosen = await api.login(member.email, tenant_id=str(other.tenant_id))
    principal = await api.verify(chosen.json()["access_token"])
    assert (principal.tenant_id, principal.role) == (other.tenant_id, Role.member)


async def test_login_into_a_tenant_you_are_not_a_member_of_is_404(api) -> None:
    account = await api.register()
    stranger = await api.register()
    api.error(await api.login(account.email, tenant_id=str(stranger.tenant_id)), 404, "NOT_FOUND")
    api.error(await api.login(account.email, tenant_id=str(uuid.uuid4())), 404, "NOT_FOUND")


async def test_login_without_any_membership_is_403(api, auth_db) -> None:
    import asyncpg

    account = await api.register()
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        await conn.execute("delete from auth.memberships where user_id = $1", account.user_id)
    finally:
        await conn.close()
    api.error(await api.login(account.email), 403, "FORBIDDEN")


async def test_full_width_spellings_are_the_same_email(client, api) -> None:
    """Emails are normalised with batchivo_common.identifiers (NFKC case folding), as the gateway does."""
    from batchivo_common.identifiers import fullwidth

    account = await api.register(email="maker@example.com")
    variant = fullwidth("MAKER") + "@example.com"
    duplicate = await client.post(
        "/api/v1/auth/register",
        json={"email": variant, "password": api.password, "full_name": "X", "tenant_name": "X"},
    )
    api.error(duplicate, 409, "CONFLICT")
    login = await api.login(variant)
    assert login.status_code == 200, login.text
    assert (await api.verify(login.json()["access_token"])).user_id == account.user_id
