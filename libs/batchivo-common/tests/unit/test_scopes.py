"""API-key scopes: which scopes a role may hold, what a new key stores, and what a request needs."""

from __future__ import annotations

import uuid

import pytest
from batchivo_common.auth.scopes import (
    InsufficientScope,
    check_scopes,
    normalise_scopes,
    scopes_beyond_role,
    scopes_for_role,
)
from batchivo_common.auth.tokens import Role, SigningKey, StaticKeySource, TokenIssuer, TokenVerifier

WRITES = {"inventory:write", "catalog:write", "production:write"}


def test_a_role_bounds_the_scopes_of_its_keys() -> None:
    assert scopes_for_role(Role.viewer) == {"read"}
    assert scopes_for_role(Role.member) == {"read", *WRITES}
    assert scopes_for_role(Role.admin) == scopes_for_role(Role.owner) == {"read", *WRITES, "webhooks:write"}
    assert scopes_beyond_role(["read", "catalog:write"], Role.viewer) == ["catalog:write"]
    assert scopes_beyond_role(["webhooks:write", "inventory:write"], Role.member) == ["webhooks:write"]
    assert scopes_beyond_role(["webhooks:write"], Role.admin) == []


def test_a_new_key_always_reads_and_defaults_to_what_its_role_allows() -> None:
    assert normalise_scopes(None, Role.member) == [
        "read",
        "inventory:write",
        "catalog:write",
        "production:write",
    ]
    assert normalise_scopes([], Role.admin) == ["read"]
    assert normalise_scopes(["production:write", "read", "production:write"], Role.member) == [
        "read",
        "production:write",
    ]


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "get"])
def test_safe_methods_need_only_read(method: str) -> None:
    for service in ("inventory", "auth", "gateway"):
        check_scopes(method, service, frozenset({"read"}))


@pytest.mark.parametrize(
    ("service", "scope"),
    [("inventory", "inventory:write"), ("catalog", "catalog:write"), ("production", "production:write")],
)
def test_a_write_needs_the_services_write_scope(service: str, scope: str) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        check_scopes(method, service, frozenset({"read", scope}))
        with pytest.raises(InsufficientScope, match=scope) as refused:
            check_scopes(method, service, frozenset({"read", *(WRITES - {scope})}))
        assert (refused.value.status_code, refused.value.code) == (403, "INSUFFICIENT_SCOPE")


def test_no_scope_writes_to_the_auth_service_and_a_persons_token_has_no_scopes() -> None:
    with pytest.raises(InsufficientScope, match="auth"):
        check_scopes("POST", "auth", frozenset({"read", *WRITES, "webhooks:write"}))
    check_scopes("DELETE", "auth", None)  # a person: only the role decides
    check_scopes("POST", "catalog", None)


async def test_scopes_travel_in_the_token() -> None:
    key = SigningKey.generate()
    issuer = TokenIssuer(key, "iss", "aud")
    verifier = TokenVerifier(StaticKeySource.of(key), "iss", "aud")
    token, issued = issuer.issue(
        uuid.uuid4(), uuid.uuid4(), Role.member, api_key_id=uuid.uuid4(), scopes=["read", "catalog:write"]
    )
    verified = await verifier.verify(token)
    assert verified.scopes == issued.scopes == frozenset({"read", "catalog:write"})
    person, _ = issuer.issue(uuid.uuid4(), uuid.uuid4(), Role.owner)
    assert (await verifier.verify(person)).scopes is None
