"""Pure rules of invitations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from batchivo_auth.invitations import rules
from batchivo_auth.invitations.rules import InvitationState, InvitationStatus, status_of
from batchivo_auth.tenants.rules import Denied
from batchivo_common.auth.tokens import Role

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
LATER = NOW + timedelta(days=7)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (InvitationState(LATER), InvitationStatus.pending),
        (InvitationState(NOW), InvitationStatus.expired),
        (InvitationState(LATER, accepted_at=NOW), InvitationStatus.accepted),
        (InvitationState(LATER, declined_at=NOW), InvitationStatus.declined),
        (InvitationState(LATER, revoked_at=NOW), InvitationStatus.revoked),
        (InvitationState(NOW - timedelta(days=1), accepted_at=NOW), InvitationStatus.accepted),
    ],
)
def test_status(state: InvitationState, expected: InvitationStatus) -> None:
    assert status_of(state, NOW) is expected


def test_expiry_and_secret() -> None:
    assert rules.expires_at(NOW, 7) == LATER
    token = rules.new_invitation_token()
    assert token.startswith("bvi_") and len(token) > 40
    assert token != rules.new_invitation_token()
    assert len(rules.hash_token(token)) == 64 and token not in rules.hash_token(token)


@pytest.mark.parametrize(
    ("actor", "role", "allowed"),
    [
        (Role.owner, Role.owner, True),
        (Role.admin, Role.owner, False),
        (Role.admin, Role.admin, True),
        (Role.admin, Role.viewer, True),
        (Role.member, Role.viewer, False),
        (Role.viewer, Role.viewer, False),
    ],
)
def test_who_may_invite_whom(actor: Role, role: Role, allowed: bool) -> None:
    if allowed:
        rules.check_invite(actor, role)
    else:
        with pytest.raises(Denied):
            rules.check_invite(actor, role)


def test_the_inviter_must_still_be_able_to_grant_at_acceptance() -> None:
    assert rules.inviter_may_still_grant(Role.owner, Role.owner)
    assert rules.inviter_may_still_grant(Role.admin, Role.member)
    assert not rules.inviter_may_still_grant(Role.admin, Role.owner)
    assert not rules.inviter_may_still_grant(Role.member, Role.viewer)
    assert not rules.inviter_may_still_grant(None, Role.viewer)
