"""Dependency aliases of the auth service's routers.

``AuthPrincipalDep`` is the shared ``PrincipalDep`` (verified token, tenant ContextVar set) plus the
deny-list check: the auth service itself refuses a logged-out access token, as the gateway does.
"""

from __future__ import annotations

from typing import Annotated

from batchivo_common.auth.deps import PrincipalDep, require_role
from batchivo_common.auth.tokens import Principal, Role, TokenIssuer
from batchivo_common.db.session import SessionDep
from batchivo_common.errors import Unauthenticated
from fastapi import Depends, Header, Request

from batchivo_auth.invitations.service import InvitationService
from batchivo_auth.settings import AuthSettings
from batchivo_auth.tenants.service import MemberService
from batchivo_auth.tokens.cookies import MODE_COOKIE, MODE_HEADER, is_browser_mode
from batchivo_auth.tokens.repository import RevocationStore
from batchivo_auth.tokens.service import ApiKeyService, SessionService
from batchivo_auth.users.service import PasswordHasher


async def get_settings(request: Request) -> AuthSettings:
    settings: AuthSettings = request.app.state.settings
    return settings


async def get_revocations(request: Request) -> RevocationStore:
    store: RevocationStore = request.app.state.revocations
    return store


SettingsDep = Annotated[AuthSettings, Depends(get_settings)]
RevocationsDep = Annotated[RevocationStore, Depends(get_revocations)]


async def get_live_principal(principal: PrincipalDep, revocations: RevocationsDep) -> Principal:
    if await revocations.is_denied(principal.jti):
        raise Unauthenticated("Access token has been revoked")
    return principal


AuthPrincipalDep = Annotated[Principal, Depends(get_live_principal)]


ViewerDep = Annotated[Principal, Depends(require_role(Role.viewer, get_live_principal))]
AdminDep = Annotated[Principal, Depends(require_role(Role.admin, get_live_principal))]


async def get_session_service(request: Request, session: SessionDep, settings: SettingsDep) -> SessionService:
    issuer: TokenIssuer = request.app.state.token_issuer
    hasher: PasswordHasher = request.app.state.password_hasher
    return SessionService(
        session,
        issuer=issuer,
        hasher=hasher,
        revocations=request.app.state.revocations,
        refresh_token_days=settings.refresh_token_days,
        reuse_grace_seconds=settings.refresh_reuse_grace_seconds,
    )


async def get_member_service(session: SessionDep, revocations: RevocationsDep) -> MemberService:
    return MemberService(session, revocations)


async def get_invitation_service(session: SessionDep, settings: SettingsDep) -> InvitationService:
    return InvitationService(session, invitation_days=settings.invitation_days)


async def get_api_key_service(request: Request, session: SessionDep, settings: SettingsDep) -> ApiKeyService:
    issuer: TokenIssuer = request.app.state.token_issuer
    return ApiKeyService(
        session,
        issuer=issuer,
        revocations=request.app.state.revocations,
        token_seconds=settings.api_key_token_seconds,
    )


async def get_browser_mode(
    mode: Annotated[
        str | None,
        Header(
            alias=MODE_HEADER,
            description=f"`{MODE_COOKIE}`: browser mode, the refresh token travels in an httpOnly cookie",
        ),
    ] = None,
) -> bool:
    return is_browser_mode(mode)


BrowserModeDep = Annotated[bool, Depends(get_browser_mode)]
SessionServiceDep = Annotated[SessionService, Depends(get_session_service)]
MemberServiceDep = Annotated[MemberService, Depends(get_member_service)]
ApiKeyServiceDep = Annotated[ApiKeyService, Depends(get_api_key_service)]
InvitationServiceDep = Annotated[InvitationService, Depends(get_invitation_service)]
