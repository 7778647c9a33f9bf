"""API-key scopes: what a partner key may do on top of its role (docs/api.md).

A key carries a set of scopes; the access token the gateway trades it for carries them in the ``scp`` claim,
and :class:`~batchivo_common.auth.tokens.Principal` exposes them as ``scopes``. A person's token has no
``scp`` (``scopes is None``): only the role limits it.

- ``read`` is in every key: safe methods (GET, HEAD, OPTIONS) need nothing more than the role.
- Any other method needs the write scope of the service answering (``inventory:write`` on inventory, ...).
  The auth service has no write scope: a key never changes members, invitations or keys.
- A key can never hold a scope its role could not use: a viewer key is read-only, ``webhooks:write`` needs an
  admin key (admins register webhook endpoints).

Pure functions; the HTTP check is :func:`batchivo_common.auth.deps.get_principal`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

from batchivo_common.auth.tokens import Role
from batchivo_common.errors import Forbidden

READ: Final = "read"
INVENTORY_WRITE: Final = "inventory:write"
CATALOG_WRITE: Final = "catalog:write"
PRODUCTION_WRITE: Final = "production:write"
WEBHOOKS_WRITE: Final = "webhooks:write"

#: Every scope, in the order the API documents and the web app lists them.
ALL_SCOPES: Final[tuple[str, ...]] = (READ, INVENTORY_WRITE, CATALOG_WRITE, PRODUCTION_WRITE, WEBHOOKS_WRITE)
Scope = Literal["read", "inventory:write", "catalog:write", "production:write", "webhooks:write"]

#: The write scope of each service (the name given to ``create_service_app``); a service not listed
#: (auth, the gateway) accepts no write from an API key at all.
SERVICE_WRITE_SCOPES: Final[dict[str, str]] = {
    "inventory": INVENTORY_WRITE,
    "catalog": CATALOG_WRITE,
    "production": PRODUCTION_WRITE,
    "webhooks": WEBHOOKS_WRITE,
}

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

_MEMBER_SCOPES = frozenset({READ, INVENTORY_WRITE, CATALOG_WRITE, PRODUCTION_WRITE})
_ADMIN_SCOPES = _MEMBER_SCOPES | {WEBHOOKS_WRITE}


class InsufficientScope(Forbidden):
    code = "INSUFFICIENT_SCOPE"


def scopes_for_role(role: Role) -> frozenset[str]:
    """Every scope a key of ``role`` may hold (also the default of a new key: what keys did before scopes)."""
    if role.at_least(Role.admin):
        return _ADMIN_SCOPES
    if role.at_least(Role.member):
        return _MEMBER_SCOPES
    return frozenset({READ})


def scopes_beyond_role(scopes: Iterable[str], role: Role) -> list[str]:
    """The scopes in ``scopes`` that ``role`` may not hold, in documented order (empty: all allowed)."""
    allowed, asked = scopes_for_role(role), set(scopes)
    return [s for s in ALL_SCOPES if s in asked and s not in allowed]


def normalise_scopes(scopes: Iterable[str] | None, role: Role) -> list[str]:
    """The scopes a new key is stored with: ``None`` means every scope the role allows; ``read`` is always
    added; documented order, no duplicates. The caller has refused scopes beyond the role."""
    chosen = scopes_for_role(role) if scopes is None else {READ, *scopes}
    return [s for s in ALL_SCOPES if s in chosen]


def required_scope(method: str, service: str | None) -> str | None:
    """The scope a keyed request needs beyond ``read``: None for a safe method, else the service's write
    scope. Raises :class:`InsufficientScope` when no scope allows it (a write to the auth service)."""
    if method.upper() in SAFE_METHODS:
        return None
    scope = SERVICE_WRITE_SCOPES.get(service or "")
    if scope is None:
        raise InsufficientScope(f"API keys cannot make changes in the {service or 'this'} service")
    return scope


def check_scopes(method: str, service: str | None, scopes: frozenset[str] | None) -> None:
    """Refuse (403 ``INSUFFICIENT_SCOPE``) a request whose key lacks the scope it needs. ``scopes`` None: a
    person's token, which only its role limits."""
    if scopes is None:
        return
    needed = required_scope(method, service)
    if needed is not None and needed not in scopes:
        raise InsufficientScope(f"This API key lacks the {needed} scope")
