"""Membership by invitation: no one joins without consent, invitations reveal nothing about the invitee,
expire, can be revoked, and only owners invite owners."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest
from batchivo_common.identifiers import fullwidth

INVITATIONS = "/api/v1/tenant/invitations"
MINE = "/api/v1/auth/invitations"
MEMBERS = "/api/v1/tenant/members"
PASSWORD = "correct horse battery staple"


async def _invite(client: httpx.AsyncClient, inviter, email: str, role: str = "member") -> httpx.Response:
    return await client.post(INVITATIONS, json={"email": email, "role": role}, headers=inviter.headers)


async def _memberships(client: httpx.AsyncClient, account) -> list[str]:
    me = (await client.get("/api/v1/auth/me", headers=account.headers)).json()
    return [m["tenant_id"] for m in me["memberships"]]


async def test_an_invitation_reveals_nothing_about_the_invitee(client: httpx.AsyncClient, api) -> None:
    owner = await api.register(tenant_name="Layer Lab")
    person = await api.register(full_name="Secret Name")
    known = await _invite(client, owner, person.email)
    unknown = await _invite(client, owner, f"nobody-{uuid.uuid4().hex[:6]}@example.com")
    for response in (known, unknown):
        assert response.status_code == 201, response.text
        assert response.headers["location"] == f"{INVITATIONS}/{response.json()['id']}"
    assert (
        set(known.json())
        == set(unknown.json())
        == {
            "id",
            "email",
            "role",
            "invited_by",
            "created_at",
            "expires_at",
            "token",
        }
    )
    assert "Secret Name" not in known.text
    assert str(person.user_id) not in known.text
    # Nothing happened to the person: not a member, the shop is not in their /me.
    assert await _memberships(client, person) == [str(person.tenant_id)]
    assert (await client.get(MEMBERS, headers=owner.headers)).json()["total"] == 1
    listing = (await client.get(INVITATIONS, headers=owner.headers)).json()
    assert listing["total"] == 2
    assert {i["email"] for i in listing["items"]} == {person.email, unknown.json()["email"]}
    assert all("token" not in i for i in listing["items"])


async def test_the_invitee_lists_and_accepts(client: httpx.AsyncClient, api) -> None:
    owner = await api.register(tenant_name="Layer Lab")
    person = await api.register(tenant_name="Own Shop")
    invitation = (await _invite(client, owner, person.email.upper(), role="viewer")).json()
    assert invitation["email"] == person.email  # normalised

    mine = await client.get(MINE, headers=person.headers)
    assert mine.status_code == 200, mine.text
    [item] = mine.json()["items"]
    assert (item["id"], item["tenant_id"], item["tenant_name"], item["role"]) == (
        invitation["id"],
        str(owner.tenant_id),
        "Layer Lab",
        "viewer",
    )
    assert (await client.get(MINE, headers=owner.headers)).json()["items"] == []

    accepted = await client.post(f"{MINE}/{invitation['id']}/accept", headers=person.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {
        "tenant_id": str(owner.tenant_id),
        "tenant_name": "Layer Lab",
        "role": "viewer",
    }
    assert str(owner.tenant_id) in await _memberships(client, person)
    member = (await client.get(f"{MEMBERS}/{person.user_id}", headers=owner.headers)).json()
    assert member["role"] == "viewer"
    # Answered: gone from both lists, and cannot be accepted again.
    assert (await client.get(MINE, headers=person.headers)).json()["items"] == []
    assert (await client.get(INVITATIONS, headers=owner.headers)).json()["total"] == 0
    api.error(await client.post(f"{MINE}/{invitation['id']}/accept", headers=person.headers), 404)
    # And the person can switch to the shop.
    switched = await client.post(
        "/api/v1/auth/switch-tenant", json={"tenant_id": str(owner.tenant_id)}, headers=person.headers
    )
    assert switched.status_code == 200


async def test_declining_and_other_peoples_invitations(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    person = await api.register()
    someone_else = await api.register()
    invitation = (await _invite(client, owner, person.email)).json()
    # Only the addressee can see or answer it.
    api.error(await client.post(f"{MINE}/{invitation['id']}/accept", headers=someone_else.headers), 404)
    api.error(await client.post(f"{MINE}/{invitation['id']}/decline", headers=owner.headers), 404)
    api.error(await client.post(f"{MINE}/{uuid.uuid4()}/accept", headers=person.headers), 404)
    api.error(await client.post(f"{MINE}/not-a-uuid/accept", headers=person.headers), 422)

    declined = await client.post(f"{MINE}/{invitation['id']}/decline", headers=person.headers)
    assert declined.status_code == 204
    assert (await client.get(MINE, headers=person.headers)).json()["items"] == []
    api.error(
        await client.post(f"{MINE}/{invitation['id']}/accept", headers=person.headers), 404, "NOT_FOUND"
    )
    assert await _memberships(client, person) == [str(person.tenant_id)]
    assert (await client.get(INVITATIONS, headers=owner.headers)).json()["total"] == 0


async def test_admins_revoke_and_invitations_expire(client: httpx.AsyncClient, api, auth_db) -> None:
    owner = await api.register()
    person = await api.register()
    revoked = (await _invite(client, owner, person.email)).json()
    assert (await client.delete(f"{INVITATIONS}/{revoked['id']}", headers=owner.headers)).status_code == 204
    assert (await client.delete(f"{INVITATIONS}/{revoked['id']}", headers=owner.headers)).status_code == 204
    assert (await client.get(MINE, headers=person.headers)).json()["items"] == []
    api.error(await client.post(f"{MINE}/{revoked['id']}/accept", headers=person.headers), 404)

    expiring = (await _invite(client, owner, person.email)).json()
    assert expiring["id"] != revoked["id"]
    conn = await asyncpg.connect(auth_db.admin_url)
    try:
        await conn.execute(
            "update auth.invitations set expires_at = now() - interval '1 second' where id = $1",
            uuid.UUID(expiring["id"]),
        )
    finally:
        await conn.close()
    assert (await client.get(MINE, headers=person.headers)).json()["items"] == []
    assert (await client.get(INVITATIONS, headers=owner.headers)).json()["total"] == 0
    api.error(await client.post(f"{MINE}/{expiring['id']}/accept", headers=person.headers), 404)
    # Inviting again opens it afresh (the same open invitation, a new expiry).
    again = (await _invite(client, owner, person.email)).json()
    assert again["id"] == expiring["id"]
    assert again["expires_at"] > expiring["expires_at"]
    assert (await client.post(f"{MINE}/{again['id']}/accept", headers=person.headers)).status_code == 200


async def test_a_re_invite_is_idempotent(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    email = f"later-{uuid.uuid4().hex[:6]}@example.com"
    first = (await _invite(client, owner, email, role="viewer")).json()
    second = (await _invite(client, owner, email.upper(), role="admin")).json()
    assert second["id"] == first["id"]
    assert second["role"] == "admin"
    listing = (await client.get(INVITATIONS, headers=owner.headers)).json()
    assert [(i["id"], i["role"]) for i in listing["items"]] == [(first["id"], "admin")]
    # The first link stopped working; the second one joins with the new role.
    body = {"email": email, "password": PASSWORD, "full_name": "Late Comer"}
    api.error(
        await client.post("/api/v1/auth/register", json={**body, "invitation_token": first["token"]}), 404
    )
    joined = await client.post("/api/v1/auth/register", json={**body, "invitation_token": second["token"]})
    assert joined.status_code == 201, joined.text
    principal = await api.verify(joined.json()["access_token"])
    assert (principal.tenant_id, principal.role.value) == (owner.tenant_id, "admin")


async def test_someone_without_an_account_registers_with_the_invitation(
    client: httpx.AsyncClient, api
) -> None:
    owner = await api.register(tenant_name="Layer Lab")
    email = f"new-{uuid.uuid4().hex[:6]}@example.com"
    invitation = (await _invite(client, owner, email, role="member")).json()
    body = {"email": email, "password": PASSWORD, "full_name": "New Maker"}

    wrong_email = await client.post(
        "/api/v1/auth/register",
        json={**body, "email": "other@example.com", "invitation_token": invitation["token"]},
    )
    api.error(wrong_email, 400, "BAD_REQUEST")
    both = await client.post(
        "/api/v1/auth/register", json={**body, "tenant_name": "X", "invitation_token": invitation["token"]}
    )
    api.error(both, 422, "VALIDATION_ERROR")
    api.error(await client.post("/api/v1/auth/register", json={**body, "invitation_token": "bvi_nope"}), 404)
    # Nothing was created by the refusals.
    api.error(await api.login(email), 401)

    joined = await client.post(
        "/api/v1/auth/register",
        json={
            **body,
            "email": fullwidth(email.split("@")[0]) + "@example.com",
            "invitation_token": invitation["token"],
        },
    )
    assert joined.status_code == 201, joined.text
    account = await api.account(email, joined.json())
    me = (await client.get("/api/v1/auth/me", headers=account.headers)).json()
    assert me["user"]["email"] == email
    assert me["memberships"] == [
        {"tenant_id": str(owner.tenant_id), "tenant_name": "Layer Lab", "role": "member"}
    ]
    assert (await client.get(INVITATIONS, headers=owner.headers)).json()["total"] == 0
    # The link is used up.
    again = await client.post(
        "/api/v1/auth/register",
        json={**body, "email": "x" + email, "invitation_token": invitation["token"]},
    )
    api.error(again, 404)


async def test_a_person_who_registers_later_sees_the_invitation(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    email = f"later-{uuid.uuid4().hex[:6]}@example.com"
    invitation = (await _invite(client, owner, email)).json()
    person = await api.register(email=email, tenant_name="My Own")
    [item] = (await client.get(MINE, headers=person.headers)).json()["items"]
    assert item["id"] == invitation["id"]
    assert (await client.post(f"{MINE}/{item['id']}/accept", headers=person.headers)).status_code == 200
    assert set(await _memberships(client, person)) == {str(person.tenant_id), str(owner.tenant_id)}


@pytest.mark.parametrize("role", ["viewer", "member"])
async def test_only_admins_invite_list_and_revoke(client: httpx.AsyncClient, api, role: str) -> None:
    owner = await api.register()
    actor = await api.add_member(owner, await api.register(), role)
    invitation = (await _invite(client, owner, "x@example.com")).json()
    api.error(await _invite(client, actor, "y@example.com"), 403, "FORBIDDEN")
    api.error(await client.get(INVITATIONS, headers=actor.headers), 403, "FORBIDDEN")
    api.error(await client.delete(f"{INVITATIONS}/{invitation['id']}", headers=actor.headers), 403)
    assert (await client.get(INVITATIONS, headers=owner.headers)).json()["total"] == 1


async def test_only_owners_invite_owners(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    admin = await api.add_member(owner, await api.register(), "admin")
    api.error(await _invite(client, admin, "boss@example.com", role="owner"), 403, "FORBIDDEN")
    owner_invite = (await _invite(client, owner, "boss@example.com", role="owner")).json()
    api.error(await client.delete(f"{INVITATIONS}/{owner_invite['id']}", headers=admin.headers), 403)
    assert (await _invite(client, admin, "helper@example.com", role="admin")).status_code == 201
    # An invitation whose inviter lost the right to grant its role no longer joins.
    person = await api.register()
    stale = (await _invite(client, admin, person.email, role="admin")).json()
    demoted = await client.patch(f"{MEMBERS}/{admin.user_id}", json={"role": "member"}, headers=owner.headers)
    assert demoted.status_code == 200
    api.error(await client.post(f"{MINE}/{stale['id']}/accept", headers=person.headers), 409, "CONFLICT")
    assert await _memberships(client, person) == [str(person.tenant_id)]


async def test_inviting_a_member_or_another_tenants_invitation(client: httpx.AsyncClient, api) -> None:
    owner = await api.register()
    member = await api.add_member(owner, await api.register(), "member")
    api.error(await _invite(client, owner, member.email), 409, "CONFLICT")
    stranger = await api.register()
    theirs = (await _invite(client, stranger, "z@example.com")).json()
    api.error(await client.delete(f"{INVITATIONS}/{theirs['id']}", headers=owner.headers), 404, "NOT_FOUND")
    assert (await client.get(INVITATIONS, headers=stranger.headers)).json()["total"] == 1
