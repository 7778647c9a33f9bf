"""Pure rules of tenancy: slugs and who may grant, change or remove which role (domain.md §1).

Roles rank viewer < member < admin < owner. Admins manage members but not owners; only an owner grants
``owner``; nobody changes or removes their own membership; a tenant always keeps at least one owner.
"""

from __future__ import annotations

import re
import unicodedata
import uuid

from batchivo_common.auth.tokens import Role

TENANT_NAME_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 63
#: Room left for ``-<suffix>`` when the plain slug is taken.
SLUG_BASE_MAX_LENGTH = 50
DEFAULT_SLUG = "tenant"
ROLE_NAMES = tuple(r.value for r in Role)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class Denied(Exception):
    """The acting member's role does not allow the change (HTTP 403)."""


class MustKeepOwner(Exception):
    """The change would leave the tenant without an owner (HTTP 409)."""


def slugify(name: str) -> str:
    """``"Prints & Co. Ltd"`` → ``"prints-co-ltd"``: ASCII, lower-case, hyphen-separated, never empty."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_name.lower()).strip("-")
    slug = slug[:SLUG_BASE_MAX_LENGTH].rstrip("-")
    return slug or DEFAULT_SLUG


def slug_with_suffix(base: str, suffix: str) -> str:
    """The fallback when ``base`` is taken: ``acme`` → ``acme-x7k2p9``."""
    return f"{base[:SLUG_BASE_MAX_LENGTH].rstrip('-')}-{suffix}"


def outranks(role: Role, other: Role) -> bool:
    return role.rank > other.rank


def check_can_manage(actor: Role, target: Role) -> None:
    """May ``actor`` change or remove a member who holds ``target``?"""
    if not actor.at_least(Role.admin):
        raise Denied("Managing members needs the admin role or higher")
    if target is Role.owner and actor is not Role.owner:
        raise Denied("Only an owner can manage owners")


def check_can_grant(actor: Role, role: Role) -> None:
    """May ``actor`` give someone ``role``? (Only an owner grants ``owner``.)"""
    if not actor.at_least(Role.admin):
        raise Denied("Managing members needs the admin role or higher")
    if outranks(role, actor):
        raise Denied(f"Only an owner can grant the {role.value} role")


def check_add(actor: Role, role: Role) -> None:
    check_can_grant(actor, role)


def check_change(
    *, actor_id: uuid.UUID, actor: Role, target_id: uuid.UUID, current: Role, new: Role, owners: int
) -> None:
    if actor_id == target_id:
        raise Denied("You cannot change your own role")
    check_can_manage(actor, current)
    check_can_grant(actor, new)
    if current is Role.owner and new is not Role.owner and owners <= 1:
        raise MustKeepOwner("A tenant must keep at least one owner")


def check_remove(
    *, actor_id: uuid.UUID, actor: Role, target_id: uuid.UUID, current: Role, owners: int
) -> None:
    if actor_id == target_id:
        raise Denied("You cannot remove yourself")
    check_can_manage(actor, current)
    if current is Role.owner and owners <= 1:
        raise MustKeepOwner("A tenant must keep at least one owner")


def effective_role(token_role: Role, member_role: Role) -> Role:
    """The lower of the token's role and the stored one (so a demotion takes effect at once)."""
    return token_role if token_role.rank <= member_role.rank else member_role
