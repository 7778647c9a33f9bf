"""Members of a tenant and the owner rules: admins manage members but not owners, only owners grant
owner, nobody changes or removes themself, a tenant keeps an owner, other tenants' members are 404."""

from __future__ import annotations

import uuid

import httpx
import pytest

MEMBERS = "/api/v1/tenant/members"
INVITATIONS = "/api/v1/tenant/invitations"


async def test_list_members_uses_the_page_envelope(client: httpx.AsyncClient, api) -> None:
    owner = await api.register(full_name="Olive Owner")
    viewer = await api.add_member(owner, await api.register(full_name="Vic Viewer"), "viewer")

    response = await client.get(MEMBERS, headers=viewer.headers)  # viewers may read
    assert response.status_code == 200, response.text
    page = response.json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 50, 0)
    assert [(m["full_name"], m["role"]) for m in page["items"]] == [
        ("Olive Owner", "owner"),
        ("Vic Viewer", "viewer"),
    ]
    assert set(page["items"][0]) == {"user_id", "email", "full_name", "role", "joined_at"}

    by_role = await client.get(
        MEMBERS, params={"sort": "-role", "limit": 1, "offset": 1}, headers=owner.headers
    )
    assert by_role.json()["items"][0]["role"] == "viewer"
    assert by_role.json()["total"] == 2
    api.error(
        await client.get(MEMBERS, params={"sort": "password"}, headers=owner.headers), 422, "VALIDATION_ERROR"
    )
    api.error(await client.get(MEMBERS, params={"limit": 0}, headers=owner.headers), 422, "VALIDATION_ERROR")
    api.error(
        await client.get(MEMBERS, params={"limit": 201}, headers=owner.headers), 422, "VALIDATION_ERROR"
    )


async def test_nobody_is_added_without_consent(client: httpx.AsyncClient, api) -> None:
    """``POST /tenant/members`` is gone: people join by accepting an invitation (test_invitations.py)."""
    owner = await api.register()
    person = await api.register(full_name="New Person")
    response = await client.post(
        MEMBERS, json={"email": person.email, "role": "member"}, headers=owner.headers
    )
    api.error(response, 405)
    me = (await client.get("/api/v1/auth/me", headers=person.headers)).json()
    assert [m["tenant_id"] for m in me["memberships"]] == [str(person.tenant_id)]
    assert (await client.get(MEMBERS, headers=owner.headers)).json()["total"] == 1


@pytest.mark.parametrize("role", ["viewer", "member"])
async def test_viewers_and_members_cannot_change_members(client: httpx.AsyncClient, api, role: str) -> None:
    owner = await api.register()
    actor = await api.add_member(owner, await api.register(), role)
    other = await api.add_member(owner, await api.register(), "viewer")
    outsider = await api.register()

    add = await client.post(
        INVITATIONS, json={"email": outsider.email, "role": "viewer"}, headers=actor.headers
    )
    api.error(add, 403, "FORBIDDEN")
    patch = await client.patch(f"{MEMBERS}/{other.user_id}", json={"role": "member"}, headers=actor.headers)
    api.error(patch, 403, "FORBIDDEN")
    api.error(await client.delete(f"{MEMBERS}/{other.user_id}", headers=actor.headers), 403, "FORBIDDEN")


async def test_admins_manage_members_but_not_owners(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    admin = await api.add_member(owner, await api.register(), "admin")
    member = await api.add_member(owner, await api.register(), "member")
    outsider = await api.register()

    promote = await client.patch(f"{MEMBERS}/{member.user_id}", json={"role": "admin"}, headers=admin.headers)
    assert promote.status_code == 200
    assert promote.json()["role"] == "admin"
    demote = await client.patch(f"{MEMBERS}/{member.user_id}", json={"role": "viewer"}, headers=admin.headers)
    assert demote.status_code == 200
    assert demote.json()["role"] == "viewer"

    grant_owner = await client.patch(
        f"{MEMBERS}/{member.user_id}", json={"role": "owner"}, headers=admin.headers
    )
    api.error(grant_owner, 403, "FORBIDDEN")
    add_owner = await client.post(
        INVITATIONS, json={"email": outsider.email, "role": "owner"}, headers=admin.headers
    )
    api.error(add_owner, 403, "FORBIDDEN")
    touch_owner = await client.patch(
        f"{MEMBERS}/{owner.user_id}", json={"role": "admin"}, headers=admin.headers
    )
    api.error(touch_owner, 403, "FORBIDDEN")
    api.error(await client.delete(f"{MEMBERS}/{owner.user_id}", headers=admin.headers), 403, "FORBIDDEN")

    removed = await client.delete(f"{MEMBERS}/{member.user_id}", headers=admin.headers)
    assert removed.status_code == 204
    assert removed.content == b""
    api.error(await client.get(f"{MEMBERS}/{member.user_id}", headers=admin.headers), 404, "NOT_FOUND")


async def test_only_owners_grant_owner_and_owners_manage_owners(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    second = await api.add_member(owner, await api.register(), "member")
    response = await client.patch(
        f"{MEMBERS}/{second.user_id}", json={"role": "owner"}, headers=owner.headers
    )
    assert response.status_code == 200
    assert response.json()["role"] == "owner"
    demoted = await client.patch(f"{MEMBERS}/{second.user_id}", json={"role": "admin"}, headers=owner.headers)
    assert demoted.json()["role"] == "admin"
    third = await api.add_member(owner, await api.register(), "owner")
    assert (await client.get(f"{MEMBERS}/{third.user_id}", headers=owner.headers)).json()["role"] == "owner"
    assert (await client.delete(f"{MEMBERS}/{third.user_id}", headers=owner.headers)).status_code == 204


async def test_nobody_changes_or_removes_themself(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    admin = await api.add_member(owner, await api.register(), "admin")
    for actor in (owner, admin):
        patch = await client.patch(
            f"{MEMBERS}/{actor.user_id}", json={"role": "viewer"}, headers=actor.headers
        )
        api.error(patch, 403, "FORBIDDEN")
        api.error(await client.delete(f"{MEMBERS}/{actor.user_id}", headers=actor.headers), 403, "FORBIDDEN")
    # Even with two owners, an owner cannot step down alone: the other owner does it.
    co_owner = await api.add_member(owner, await api.register(), "owner")
    api.error(await client.delete(f"{MEMBERS}/{owner.user_id}", headers=owner.headers), 403, "FORBIDDEN")
    assert (await client.delete(f"{MEMBERS}/{owner.user_id}", headers=co_owner.headers)).status_code == 204


async def test_a_demoted_admin_loses_their_powers_before_their_token_expires(
    client: httpx.AsyncClient, api
) -> None:
    owner = await api.register()
    admin = await api.add_member(owner, await api.register(), "admin")
    target = await api.add_member(owner, await api.register(), "viewer")
    await client.patch(f"{MEMBERS}/{admin.user_id}", json={"role": "viewer"}, headers=owner.headers)
    # The admin's access token still says "admin"; the stored role decides.
    patch = await client.patch(f"{MEMBERS}/{target.user_id}", json={"role": "member"}, headers=admin.headers)
    api.error(patch, 403, "FORBIDDEN")


async def test_other_tenants_members_are_not_found(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    stranger = await api.register()
    for user_id in (stranger.user_id, uuid.uuid4()):
        api.error(await client.get(f"{MEMBERS}/{user_id}", headers=owner.headers), 404, "NOT_FOUND")
        patch = await client.patch(f"{MEMBERS}/{user_id}", json={"role": "viewer"}, headers=owner.headers)
        api.error(patch, 404, "NOT_FOUND")
        api.error(await client.delete(f"{MEMBERS}/{user_id}", headers=owner.headers), 404, "NOT_FOUND")
    # And the stranger's tenant still has its owner.
    listing = await client.get(MEMBERS, headers=stranger.headers)
    assert [m["user_id"] for m in listing.json()["items"]] == [str(stranger.user_id)]


async def test_bad_member_input_is_422(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    api.error(await client.get(f"{MEMBERS}/not-a-uuid", headers=owner.headers), 422, "VALIDATION_ERROR")
    bad_role = await client.patch(f"{MEMBERS}/{owner.user_id}", json={"role": "god"}, headers=owner.headers)
    api.error(bad_role, 422, "VALIDATION_ERROR")
    bad_email = await client.post(
        INVITATIONS, json={"email": "x" * 300, "role": "viewer"}, headers=owner.headers
    )
    api.error(bad_email, 422, "VALIDATION_ERROR")
    no_role = await client.post(INVITATIONS, json={"email": "a@example.com"}, headers=owner.headers)
    api.error(no_role, 422, "VALIDATION_ERROR")


async def test_an_empty_patch_changes_nothing(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    member = await api.add_member(owner, await api.register(), "member")
    response = await client.patch(f"{MEMBERS}/{member.user_id}", json={}, headers=owner.headers)
    assert response.status_code == 200
    assert response.json()["role"] == "member"
