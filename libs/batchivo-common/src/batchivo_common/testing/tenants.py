"""A test tenant as the services see one: an id and one verified access token per role (each service trusts
the gateway-checked JWT and keeps no users of its own)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from batchivo_common.auth.tokens import Role


@dataclass(frozen=True)
class TokenTenant:
    """A tenant with one person per role; ``user_id`` is the one person behind every role's token."""

    id: uuid.UUID
    tokens: dict[Role, str]
    user_id: uuid.UUID
    #: The role whose token :meth:`headers` sends when none is named.
    default_role: Role = Role.member

    @classmethod
    def new(cls, make_token: Callable[..., str], *, default_role: Role = Role.member) -> TokenTenant:
        """A fresh tenant; ``make_token(tenant_id, role, user_id)`` is the plugin's ``make_token`` fixture."""
        tenant_id, user_id = uuid.uuid4(), uuid.uuid4()
        tokens = {role: make_token(tenant_id, role, user_id) for role in Role}
        return cls(tenant_id, tokens, user_id, default_role)

    def headers(self, role: Role | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role or self.default_role]}"}
