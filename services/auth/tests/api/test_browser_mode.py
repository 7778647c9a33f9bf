"""Browser mode (``X-Batchivo-Auth: cookie``): the refresh token lives in an httpOnly cookie, never in a body.

The test client talks plain http and the test settings keep ``cookie_secure`` on, so httpx's jar would never
send the cookie back: every test reads ``Set-Cookie`` itself and sends ``Cookie`` by hand.
"""

from __future__ import annotations

import httpx
from batchivo_auth.tokens.cookies import refresh_cookie
from batchivo_common.auth import revocation
from batchivo_common.auth.tokens import Role

BROWSER = {"X-Batchivo-Auth": "cookie"}
COOKIE = "batchivo_refresh"
FOURTEEN_DAYS = 14 * 24 * 60 * 60


def set_cookies(response: httpx.Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def cookie_attributes(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The value of the one ``batchivo_refresh`` cookie the response sets, and its attributes."""
    cookies = [c for c in set_cookies(response) if c.startswith(f"{COOKIE}=")]
    assert len(cookies) == 1, set_cookies(response)
    first, *rest = [part.strip() for part in cookies[0].split(";")]
    attributes = {}
    for part in rest:
        name, _, value = part.partition("=")
        attributes[name.lower()] = value
    return first.split("=", 1)[1], attributes


def assert_sets_refresh_cookie(response: httpx.Response) -> str:
    """Assert the cookie carries every attribute of the contract; return its value (the refresh token)."""
    value, attributes = cookie_attributes(response)
    assert value
    assert attributes == {
        "max-age": str(FOURTEEN_DAYS),
        "path": "/api/v1/auth",
        "httponly": "",
        "samesite": "Strict",
        "secure": "",
    }
    return value


def assert_clears_refresh_cookie(response: httpx.Response) -> None:
    value, attributes = cookie_attributes(response)
    assert value == ""
    assert attributes["max-age"] == "0"
    assert attributes["path"] == "/api/v1/auth"


def assert_browser_body(response: httpx.Response) -> dict[str, object]:
    body: dict[str, object] = response.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["refresh_token"] is None
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 15 * 60
    assert response.headers["cache-control"] == "no-store"
    return body


def with_cookie(token: str, *, browser: bool = True, **extra: str) -> dict[str, str]:
    headers = {"Cookie": f"{COOKIE}={token}", **extra}
    return {**BROWSER, **headers} if browser else headers


async def browser_refresh(
    client: httpx.AsyncClient, token: str, json: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post("/api/v1/auth/refresh", headers=with_cookie(token), json=json)


async def browser_login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login", json={"email": email, "password": password}, headers=BROWSER
    )


def test_cookie_builder_without_secure() -> None:
    assert refresh_cookie("abc", max_age=60, secure=False) == (
        "batchivo_refresh=abc; Max-Age=60; Path=/api/v1/auth; HttpOnly; SameSite=Strict"
    )


async def test_register_and_login_set_the_cookie_and_keep_the_token_out_of_the_body(
    client: httpx.AsyncClient, api
) -> None:
    registered = await client.post(
        "/api/v1/auth/register",
        json={
            "email": "browser@example.com",
            "password": api.password,
            "full_name": "Bea Browser",
            "tenant_name": "Cookie Prints",
        },
        headers=BROWSER,
    )
    assert registered.status_code == 201, registered.text
    assert registered.headers["location"] == "/api/v1/auth/me"
    assert_browser_body(registered)
    assert_sets_refresh_cookie(registered)

    login = await browser_login(client, "browser@example.com", api.password)
    assert login.status_code == 200, login.text
    body = assert_browser_body(login)
    token = assert_sets_refresh_cookie(login)
    assert token not in login.text
    principal = await api.verify(str(body["access_token"]))
    assert principal.role is Role.owner


async def test_the_header_value_is_case_insensitive_and_other_values_mean_body_mode(
    client: httpx.AsyncClient, api
) -> None:
    account = await api.register()
    upper = await client.post(
        "/api/v1/auth/login",
        json={"email": account.email, "password": api.password},
        headers={"x-batchivo-auth": " Cookie "},
    )
    assert upper.json()["refresh_token"] is None
    other = await client.post(
        "/api/v1/auth/login",
        json={"email": account.email, "password": api.password},
        headers={"X-Batchivo-Auth": "body"},
    )
    assert isinstance(other.json()["refresh_token"], str)
    assert set_cookies(other) == []


async def test_refresh_with_the_cookie_rotates_it_and_reuse_after_the_window_revokes_the_family(
    client: httpx.AsyncClient, api, refresh_rows, auth_settings
) -> None:
    account = await api.register()
    first = assert_sets_refresh_cookie(await browser_login(client, account.email, api.password))

    rotated = await browser_refresh(client, first, json={})
    assert rotated.status_code == 200, rotated.text
    body = assert_browser_body(rotated)
    second = assert_sets_refresh_cookie(rotated)
    assert second != first
    assert (await api.verify(str(body["access_token"]))).user_id == account.user_id

    # The old cookie again once the grace window has passed: theft is assumed, the whole family goes and
    # the cookie is cleared.
    await refresh_rows.age_rotations(auth_settings.refresh_reuse_grace_seconds)
    reused = await browser_refresh(client, first)
    api.error(reused, 401, "UNAUTHENTICATED")
    assert reused.headers["www-authenticate"] == "Bearer"
    assert_clears_refresh_cookie(reused)
    revoked = await browser_refresh(client, second)
    api.error(revoked, 401, "UNAUTHENTICATED")
    assert_clears_refresh_cookie(revoked)


async def test_tabs_refreshing_with_the_same_cookie_within_the_window_all_stay_signed_in(
    client: httpx.AsyncClient, api, refresh_rows
) -> None:
    account = await api.register()
    cookie = assert_sets_refresh_cookie(await browser_login(client, account.email, api.password))
    # Three tabs restored at once send the same cookie: each gets a new cookie of the same session.
    answers = [await browser_refresh(client, cookie) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200], [a.text for a in answers]
    cookies = [assert_sets_refresh_cookie(a) for a in answers]
    assert len({cookie, *cookies}) == 4
    for answer in answers:
        assert (await api.verify(str(assert_browser_body(answer)["access_token"]))).user_id == account.user_id
    rows = await refresh_rows.of_user(account.user_id)
    assert all(r["revoked_at"] is None for r in rows if r["family_id"] == rows[0]["family_id"])
    # Whichever answer's cookie the browser kept last, the session goes on.
    later = await browser_refresh(client, cookies[-1])
    assert later.status_code == 200, later.text
    assert_sets_refresh_cookie(later)


async def test_refresh_accepts_no_body_in_browser_mode(client: httpx.AsyncClient, api) -> None:
    account = await api.register()
    token = assert_sets_refresh_cookie(await browser_login(client, account.email, api.password))
    response = await browser_refresh(client, token)
    assert response.status_code == 200, response.text
    assert_browser_body(response)
    # A body token is ignored in browser mode: only the cookie counts.
    newer = assert_sets_refresh_cookie(response)
    ignored = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": account.refresh_token}, headers=with_cookie(newer)
    )
    assert ignored.status_code == 200, ignored.text
    # The body's token was not used up by that call.
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    ).status_code == 200


async def test_refresh_in_browser_mode_without_the_cookie_is_401_and_clears_it(
    client: httpx.AsyncClient, api
) -> None:
    for body in (None, {}):
        response = await client.post("/api/v1/auth/refresh", headers=BROWSER, json=body)
        detail = api.error(response, 401, "UNAUTHENTICATED")
        assert detail["detail"] == "Missing refresh token cookie"
        assert_clears_refresh_cookie(response)
    unknown = await browser_refresh(client, "not-a-token")
    api.error(unknown, 401, "UNAUTHENTICATED")
    assert_clears_refresh_cookie(unknown)
    oversized = await browser_refresh(client, "x" * 4000)
    api.error(oversized, 401, "UNAUTHENTICATED")


async def test_refresh_ignores_the_cookie_without_the_header(client: httpx.AsyncClient, api) -> None:
    account = await api.register()
    token = assert_sets_refresh_cookie(await browser_login(client, account.email, api.password))
    for body in (None, {}):
        response = await client.post(
            "/api/v1/auth/refresh", headers=with_cookie(token, browser=False), json=body
        )
        error = api.error(response, 422, "VALIDATION_ERROR")
        assert error["errors"][0]["type"] == "missing"
        assert set_cookies(response) == []
    # The cookie was never used: it still refreshes in browser mode.
    assert (await browser_refresh(client, token)).status_code == 200


async def test_body_mode_validation_is_unchanged(client: httpx.AsyncClient, api) -> None:
    no_body = api.error(await client.post("/api/v1/auth/refresh"), 422, "VALIDATION_ERROR")
    assert no_body["errors"] == [{"loc": ["body"], "msg": "Field required", "type": "missing"}]
    empty = api.error(await client.post("/api/v1/auth/refresh", json={}), 422, "VALIDATION_ERROR")
    assert empty["errors"] == [{"loc": ["body", "refresh_token"], "msg": "Field required", "type": "missing"}]
    bad_json = await client.post(
        "/api/v1/auth/refresh", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    api.error(bad_json, 422, "VALIDATION_ERROR")
    wrong_type = api.error(
        await client.post("/api/v1/auth/refresh", json={"refresh_token": 42}), 422, "VALIDATION_ERROR"
    )
    assert wrong_type["errors"][0]["loc"] == ["body", "refresh_token"]
    account = await api.register()
    logout = await client.post("/api/v1/auth/logout", json={}, headers=account.headers)
    api.error(logout, 422, "VALIDATION_ERROR")


async def test_logout_in_browser_mode_clears_the_cookie_and_ends_the_session(
    client: httpx.AsyncClient, api, auth_settings, redis_client
) -> None:
    account = await api.register()
    login = await browser_login(client, account.email, api.password)
    token = assert_sets_refresh_cookie(login)
    access = str(login.json()["access_token"])

    response = await client.post(
        "/api/v1/auth/logout", headers=with_cookie(token, Authorization=f"Bearer {access}")
    )
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_clears_refresh_cookie(response)

    principal = await api.verify(access)
    assert await redis_client.get(revocation.deny_key(auth_settings.redis_prefix, principal.jti)) == "1"
    api.error(await client.get("/api/v1/auth/me", headers=api.bearer(access)), 401, "UNAUTHENTICATED")
    stale = await browser_refresh(client, token)
    api.error(stale, 401, "UNAUTHENTICATED")
    assert_clears_refresh_cookie(stale)
    # Another session of the same person (the registration's, body mode) is untouched.
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    ).status_code == 200


async def test_logout_in_browser_mode_without_a_cookie_still_deny_lists_and_clears(
    client: httpx.AsyncClient, api
) -> None:
    account = await api.register()
    response = await client.post("/api/v1/auth/logout", json={}, headers={**BROWSER, **account.headers})
    assert response.status_code == 204, response.text
    assert_clears_refresh_cookie(response)
    api.error(await client.get("/api/v1/auth/me", headers=account.headers), 401, "UNAUTHENTICATED")
    # No cookie named a session, so none ended.
    assert (
        await client.post("/api/v1/auth/refresh", json={"refresh_token": account.refresh_token})
    ).status_code == 200


async def test_switch_tenant_in_browser_mode_sets_a_new_cookie(client: httpx.AsyncClient, api) -> None:
    person = await api.register(tenant_name="Home")
    other = await api.register(tenant_name="Away")
    await api.add_member(other, person, "member")
    login = await browser_login(client, person.email, api.password)
    old = assert_sets_refresh_cookie(login)

    response = await client.post(
        "/api/v1/auth/switch-tenant",
        json={"tenant_id": str(other.tenant_id)},
        headers={**BROWSER, "Authorization": f"Bearer {login.json()['access_token']}"},
    )
    assert response.status_code == 200, response.text
    body = assert_browser_body(response)
    new = assert_sets_refresh_cookie(response)
    assert new != old
    assert (await api.verify(str(body["access_token"]))).tenant_id == other.tenant_id
    refreshed = await browser_refresh(client, new)
    assert refreshed.status_code == 200, refreshed.text
    assert (await api.verify(refreshed.json()["access_token"])).tenant_id == other.tenant_id


async def test_switch_tenant_in_browser_mode_ends_the_session_its_cookie_replaces(
    client: httpx.AsyncClient, api
) -> None:
    person = await api.register(tenant_name="Home")
    other = await api.register(tenant_name="Away")
    await api.add_member(other, person, "member")
    login = await browser_login(client, person.email, api.password)
    old = assert_sets_refresh_cookie(login)
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}

    response = await client.post(
        "/api/v1/auth/switch-tenant",
        json={"tenant_id": str(other.tenant_id)},
        headers=with_cookie(old, **bearer),
    )
    assert response.status_code == 200, response.text
    new = assert_sets_refresh_cookie(response)
    # The browser could never present the old cookie again; it no longer opens a session either.
    api.error(await browser_refresh(client, old), 401, "UNAUTHENTICATED")
    assert (await browser_refresh(client, new)).status_code == 200


async def test_switch_tenant_in_body_mode_keeps_the_callers_other_sessions(
    client: httpx.AsyncClient, api
) -> None:
    person = await api.register(tenant_name="Home")
    other = await api.register(tenant_name="Away")
    await api.add_member(other, person, "member")
    login = await client.post("/api/v1/auth/login", json={"email": person.email, "password": api.password})
    pair = login.json()
    response = await client.post(
        "/api/v1/auth/switch-tenant",
        json={"tenant_id": str(other.tenant_id)},
        # A cookie without the header is ignored: body-mode clients manage their sessions themselves.
        headers={
            "Authorization": f"Bearer {pair['access_token']}",
            "Cookie": f"{COOKIE}={pair['refresh_token']}",
        },
    )
    assert response.status_code == 200, response.text
    refreshed = await client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
