"""Pure rules of invitations: status, expiry, the secret of an invitation link, who may invite whom.

An invitation is *open* until it is accepted, declined or revoked; an open one is *pending* until it
expires. Only an owner invites (or revokes an invitation) as owner; admins invite up to admin.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from batchivo_common.auth.tokens import Role

from batchivo_auth.tenants.rules import check_can_grant

INVITATION_TOKEN_SCHEME = "bvi_"
INVITATION_TOKEN_BYTES = 32
INVITATION_TOKEN_MAX_LENGTH = 128
DEFAULT_INVITATION_DAYS = 7


class InvitationStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    revoked = "revoked"
    expired = "expired"


@dataclass(frozen=True, slots=True)
class InvitationState:
    expires_at: datetime
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    revoked_at: datetime | None = None


def status_of(state: InvitationState, now: datetime) -> InvitationStatus:
    if state.accepted_at is not None:
        return InvitationStatus.accepted
    if state.declined_at is not None:
        return InvitationStatus.declined
    if state.revoked_at is not None:
        return InvitationStatus.revoked
    if state.expires_at <= now:
        return InvitationStatus.expired
    return InvitationStatus.pending


def expires_at(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)


def new_invitation_token() -> str:
    """The secret of an invitation link (``bvi_…``, 256 bits): registering with it joins the shop."""
    return INVITATION_TOKEN_SCHEME + secrets.token_urlsafe(INVITATION_TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_invite(actor: Role, role: Role) -> None:
    """May ``actor`` invite someone as ``role`` (or revoke such an invitation)? Raises ``Denied``."""
    check_can_grant(actor, role)


def inviter_may_still_grant(inviter_role: Role | None, role: Role) -> bool:
    """At acceptance: the inviter is still a member who could grant ``role`` now."""
    return inviter_role is not None and inviter_role.at_least(Role.admin) and inviter_role.rank >= role.rank
