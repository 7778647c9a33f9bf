"""Every POST route of auth honours `Idempotency-Key` (ADR 0011) or is on the documented exempt list
(docs/api.md, "Idempotency"): a new POST without it fails here. And the keyed ones behave: a retry of an
accepted invitation replays the answer instead of a 404."""

from __future__ import annotations

import httpx
from batchivo_common.testing.routes import assert_posts_idempotent
from fastapi import FastAPI

#: The POSTs that do not take an Idempotency-Key, and why (kept in step with docs/api.md).
EXEMPT: dict[str, str] = {
    "POST /api/v1/auth/register": "anonymous (no verified caller to scope a key to); the answer holds "
    "tokens, never kept in Redis; a repeat is refused by the unique email (409), so it cannot create twice",
    "POST /api/v1/auth/login": "a session operation: the answer holds tokens; a retry simply logs in again",
    "POST /api/v1/auth/refresh": "refresh tokens are single-use by design (rotation, reuse detection)",
    "POST /api/v1/auth/logout": "idempotent by meaning: revoking a revoked session changes nothing",
    "POST /api/v1/auth/switch-tenant": "a session operation: issues a new token pair, changes no data",
    "POST /api/v1/api-keys": "the answer holds the key's secret, shown once: it is never kept in Redis for a "
    "replay; a retry makes a second key, which an admin sees by its prefix and revokes",
    "POST /api/v1/tenant/invitations": "idempotent by meaning (a re-invite of the same email updates the one "
    "pending invitation, same id); the answer holds the one-time token, never kept in Redis",
    "POST /internal/api-keys/exchange": "internal (the gateway's exchange of a key for a short-lived token), "
    "not routed to clients; changes no data",
}


def test_every_post_route_is_idempotent_or_exempt(app: FastAPI) -> None:
    assert_posts_idempotent(app, EXEMPT)


MINE = "/api/v1/auth/invitations"


async def _invitation(client: httpx.AsyncClient, api, person=None) -> tuple[object, object, dict[str, str]]:
    owner = await api.register(tenant_name="Keyed Lab")
    person = person or await api.register(tenant_name="Keyed Own")
    response = await client.post(
        "/api/v1/tenant/invitations", json={"email": person.email, "role": "member"}, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    return owner, person, response.json()


async def test_a_keyed_accept_retried_replays_the_first_answer(client: httpx.AsyncClient, api) -> None:
    _, person, invitation = await _invitation(client, api)
    headers = {**person.headers, "Idempotency-Key": "accept-1"}
    first = await client.post(f"{MINE}/{invitation['id']}/accept", headers=headers)
    assert first.status_code == 200, first.text
    again = await client.post(f"{MINE}/{invitation['id']}/accept", headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    assert again.headers.get("idempotent-replayed") == "true"
    # without the key the same retry is what it always was: the invitation is gone
    api.error(await client.post(f"{MINE}/{invitation['id']}/accept", headers=person.headers), 404)
    # the same key on another invitation is a client bug, refused
    _, _, other = await _invitation(client, api, person)
    reused = await client.post(f"{MINE}/{other['id']}/decline", headers=headers)
    assert reused.status_code == 204  # another route: another key scope
    api.error(
        await client.post(f"{MINE}/{other['id']}/accept", headers=headers), 422, "IDEMPOTENCY_KEY_REUSED"
    )


async def test_a_keyed_decline_retried_is_204_again(client: httpx.AsyncClient, api) -> None:
    _, person, invitation = await _invitation(client, api)
    headers = {**person.headers, "Idempotency-Key": "decline-1"}
    assert (await client.post(f"{MINE}/{invitation['id']}/decline", headers=headers)).status_code == 204
    again = await client.post(f"{MINE}/{invitation['id']}/decline", headers=headers)
    assert again.status_code == 204 and again.headers.get("idempotent-replayed") == "true"
    api.error(await client.post(f"{MINE}/{invitation['id']}/decline", headers=person.headers), 404)
