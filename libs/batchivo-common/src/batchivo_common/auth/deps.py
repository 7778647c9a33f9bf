"""FastAPI dependencies: the verified caller, and role checks.

The app must put a :class:`TokenVerifier` on ``app.state.token_verifier``; ``app.state.service`` (set by
``create_service_app``) names the service whose write scope an API key's unsafe request needs
(:mod:`batchivo_common.auth.scopes`). Resolving the principal also
sets the tenant ContextVar, so the request's database transaction runs under that tenant's RLS.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from batchivo_common.auth.scopes import check_scopes
from batchivo_common.auth.tokens import Principal, Role, TokenVerifier
from batchivo_common.db.tenancy import current_tenant
from batchivo_common.errors import Forbidden, Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="Access token from the auth service")


async def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthenticated("Missing bearer token")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(credentials.credentials)
    current_tenant.set(principal.tenant_id)
    request.state.principal = principal
    # An API key's token carries its scopes: a write needs the answering service's write scope.
    check_scopes(request.method, getattr(request.app.state, "service", None), principal.scopes)
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_role(
    minimum: Role, principal_dependency: Callable[..., Awaitable[Principal]] = get_principal
) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through callers whose role ranks at least ``minimum``.

    ``principal_dependency`` lets a service add its own checks (e.g. the auth service's deny-list lookup).
    """

    # A default value, not Annotated: this module's annotations are strings, and FastAPI would resolve them
    # in module globals, where the closure's ``principal_dependency`` does not exist.
    async def check(principal: Principal = Depends(principal_dependency)) -> Principal:
        if not principal.role.at_least(minimum):
            raise Forbidden(f"This action needs the {minimum.value} role or higher")
        return principal

    check.__name__ = f"require_{minimum.value}"
    return check


ViewerDep = Annotated[Principal, Depends(require_role(Role.viewer))]
MemberDep = Annotated[Principal, Depends(require_role(Role.member))]
AdminDep = Annotated[Principal, Depends(require_role(Role.admin))]
OwnerDep = Annotated[Principal, Depends(require_role(Role.owner))]
