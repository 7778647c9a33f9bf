"""HTTP of sessions and credentials.

- ``/api/v1/auth/*``: register, login, refresh, logout, switch-tenant, me;
- ``/api/v1/api-keys``: partner keys (admin and up);
- ``/internal/api-keys/exchange``: the gateway trades an API key for a short-lived access token (never
  routed publicly: it is outside ``/api/v1``);
- ``/.well-known/jwks.json``: the public keys every service and the gateway verify tokens with.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, TypeVar, cast

from batchivo_common.auth.scopes import Scope
from batchivo_common.auth.tokens import Role
from batchivo_common.db.session import GenericPlans
from batchivo_common.errors import Unauthenticated
from batchivo_common.pagination import PageParamsDep, parse_sort
from fastapi import APIRouter, Body, Query, Request, Response, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from batchivo_auth.deps import (
    AdminDep,
    ApiKeyServiceDep,
    AuthPrincipalDep,
    BrowserModeDep,
    InvitationServiceDep,
    SessionServiceDep,
    SettingsDep,
)
from batchivo_auth.settings import AuthSettings
from batchivo_auth.tokens.cookies import cleared_refresh_cookie, refresh_cookie, refresh_token_from
from batchivo_auth.tokens.models import ApiKey
from batchivo_auth.tokens.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyExchange,
    ApiKeyPage,
    ApiKeyRead,
    ExchangedToken,
    LoginRequest,
    LogoutRequest,
    MeMembership,
    MeRead,
    MeTenant,
    MeUser,
    RefreshRequest,
    RegisterRequest,
    SwitchTenantRequest,
    TokenPair,
)
from batchivo_auth.tokens.service import IssuedTokens

auth_router = APIRouter(prefix="/auth", tags=["auth"])
api_keys_router = APIRouter(prefix="/api-keys", tags=["api-keys"])
internal_router = APIRouter(prefix="/internal", tags=["internal"])
jwks_router = APIRouter(tags=["jwks"])

API_KEY_SORTS = ("created_at", "name", "last_used_at")
_NO_STORE = {"Cache-Control": "no-store"}
_SECONDS_PER_DAY = 86_400

Model = TypeVar("Model", bound=BaseModel)

#: A JSON body FastAPI parses but does not validate: required in body mode, ignored in browser mode.
OptionalBody = Annotated[Any, Body()]


def _documented_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` that documents ``model`` as the body-mode request body of a route."""
    return {
        "requestBody": {
            "required": False,
            "description": "Required without `X-Batchivo-Auth: cookie`; optional and ignored with it",
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def _body_as(model: type[Model], body: Any) -> Model:
    """``body`` validated as FastAPI validates a required body of ``model`` (the same 422s)."""
    if body is None:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing])
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


def _pair(tokens: IssuedTokens, response: Response, browser: bool, settings: AuthSettings) -> TokenPair:
    """The token response; in browser mode the refresh token goes into the cookie, never the body."""
    response.headers.update(_NO_STORE)  # token responses must never sit in a cache
    refresh_token: str | None = tokens.refresh_token
    if browser:
        max_age = settings.refresh_token_days * _SECONDS_PER_DAY
        cookie = refresh_cookie(tokens.refresh_token, max_age=max_age, secure=settings.cookie_secure)
        response.headers.append("set-cookie", cookie)
        refresh_token = None
    return TokenPair(
        access_token=tokens.access_token, refresh_token=refresh_token, expires_in=tokens.expires_in
    )


@auth_router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(
    body: RegisterRequest,
    service: SessionServiceDep,
    invitations: InvitationServiceDep,
    browser: BrowserModeDep,
    settings: SettingsDep,
    response: Response,
) -> TokenPair:
    if body.invitation_token is not None:
        tokens = await service.register_invited(
            email=str(body.email),
            password=body.password,
            full_name=body.full_name,
            token=body.invitation_token,
            invitations=invitations,
        )
    else:
        assert body.tenant_name is not None  # the body's validator: one of the two
        tokens = await service.register(
            email=str(body.email),
            password=body.password,
            full_name=body.full_name,
            tenant_name=body.tenant_name,
            currency_code=body.currency_code,
        )
    response.headers["Location"] = "/api/v1/auth/me"
    return _pair(tokens, response, browser, settings)


@auth_router.post("/login")
async def login(
    body: LoginRequest,
    service: SessionServiceDep,
    browser: BrowserModeDep,
    settings: SettingsDep,
    response: Response,
) -> TokenPair:
    tokens = await service.login(email=str(body.email), password=body.password, tenant_id=body.tenant_id)
    return _pair(tokens, response, browser, settings)


@auth_router.post("/refresh", openapi_extra=_documented_body(RefreshRequest))
async def refresh(
    request: Request,
    service: SessionServiceDep,
    browser: BrowserModeDep,
    settings: SettingsDep,
    response: Response,
    body: OptionalBody = None,
) -> TokenPair:
    if not browser:
        # Body mode: cookies are ignored. Reading the cookie only when the custom header is present is the
        # CSRF defence (with SameSite=Strict): a cross-site page cannot add that header without CORS.
        presented = _body_as(RefreshRequest, body).refresh_token
        return _pair(await service.refresh(presented), response, False, settings)
    token = refresh_token_from(request.cookies)
    try:
        if token is None:
            raise Unauthenticated("Missing refresh token cookie")
        tokens = await service.refresh(token)
    except Unauthenticated as exc:
        # A dead session: the browser drops its cookie, so it stops presenting it.
        exc.headers["set-cookie"] = cleared_refresh_cookie(secure=settings.cookie_secure)
        raise
    return _pair(tokens, response, True, settings)


@auth_router.post(
    "/logout", status_code=status.HTTP_204_NO_CONTENT, openapi_extra=_documented_body(LogoutRequest)
)
async def logout(
    request: Request,
    principal: AuthPrincipalDep,
    service: SessionServiceDep,
    browser: BrowserModeDep,
    settings: SettingsDep,
    body: OptionalBody = None,
) -> Response:
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    if browser:
        # The cookie is read only in browser mode (the CSRF defence, see refresh); it may be absent.
        await service.logout(principal, refresh_token_from(request.cookies))
        response.headers.append("set-cookie", cleared_refresh_cookie(secure=settings.cookie_secure))
    else:
        await service.logout(principal, _body_as(LogoutRequest, body).refresh_token)
    return response


@auth_router.post("/switch-tenant")
async def switch_tenant(
    request: Request,
    principal: AuthPrincipalDep,
    body: SwitchTenantRequest,
    service: SessionServiceDep,
    browser: BrowserModeDep,
    settings: SettingsDep,
    response: Response,
) -> TokenPair:
    # A browser holds one refresh cookie: the session it replaces ends (body-mode clients keep theirs).
    replaced = refresh_token_from(request.cookies) if browser else None
    tokens = await service.switch_tenant(principal, body.tenant_id, replaced)
    return _pair(tokens, response, browser, settings)


# Three reads by key (the user, the tenant, the user's memberships): generic plans (issue 14).
@auth_router.get("/me", dependencies=[GenericPlans])
async def me(principal: AuthPrincipalDep, service: SessionServiceDep) -> MeRead:
    found = await service.me(principal)
    return MeRead(
        user=MeUser(id=found.user.id, email=found.user.email, full_name=found.user.full_name),
        tenant=MeTenant(
            id=found.tenant.id,
            name=found.tenant.name,
            slug=found.tenant.slug,
            currency_code=found.tenant.currency_code,
        ),
        role=found.role,
        memberships=[
            MeMembership(tenant_id=m.tenant_id, tenant_name=m.tenant_name, role=m.role)
            for m in found.memberships
        ],
    )


def scopes_of(key: ApiKey) -> list[Scope]:
    """The stored scopes as the schema's literals (the check constraint keeps them to the known ones)."""
    return [cast(Scope, s) for s in key.scopes]


def _key_read(key: ApiKey) -> ApiKeyRead:
    return ApiKeyRead(
        id=key.id,
        name=key.name,
        role=Role(key.role),
        scopes=scopes_of(key),
        prefix=key.prefix,
        created_by=key.created_by,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
    )


@api_keys_router.post("", status_code=status.HTTP_201_CREATED)
async def create_api_key(
    principal: AdminDep, body: ApiKeyCreate, service: ApiKeyServiceDep, response: Response
) -> ApiKeyCreated:
    created = await service.create(principal, name=body.name, role=body.role, scopes=body.scopes)
    key = created.api_key
    response.headers["Location"] = f"/api/v1/api-keys/{key.id}"
    response.headers.update(_NO_STORE)
    return ApiKeyCreated(
        id=key.id,
        name=key.name,
        role=Role(key.role),
        scopes=scopes_of(key),
        prefix=key.prefix,
        key=created.key,
        created_at=key.created_at,
    )


@api_keys_router.get("")
async def list_api_keys(
    principal: AdminDep,
    service: ApiKeyServiceDep,
    page: PageParamsDep,
    sort: Annotated[
        str | None, Query(max_length=32, description=f"One of {', '.join(API_KEY_SORTS)}")
    ] = None,
) -> ApiKeyPage:
    field, descending = parse_sort(sort, API_KEY_SORTS, "-created_at")
    keys, total = await service.page(
        principal, limit=page.limit, offset=page.offset, sort=field, descending=descending
    )
    return ApiKeyPage(items=[_key_read(k) for k in keys], total=total, limit=page.limit, offset=page.offset)


@api_keys_router.get("/{key_id}")
async def get_api_key(principal: AdminDep, key_id: uuid.UUID, service: ApiKeyServiceDep) -> ApiKeyRead:
    return _key_read(await service.get(principal, key_id))


@api_keys_router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_api_key(principal: AdminDep, key_id: uuid.UUID, service: ApiKeyServiceDep) -> Response:
    await service.revoke(principal, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@internal_router.post("/api-keys/exchange")
async def exchange_api_key(
    body: ApiKeyExchange, service: ApiKeyServiceDep, response: Response
) -> ExchangedToken:
    exchanged = await service.exchange(body.key)
    response.headers.update(_NO_STORE)
    return ExchangedToken(access_token=exchanged.access_token, expires_in=exchanged.expires_in)


@jwks_router.get("/.well-known/jwks.json")
@jwks_router.head("/.well-known/jwks.json", include_in_schema=False)
async def jwks(request: Request) -> JSONResponse:
    keys: list[dict[str, Any]] = request.app.state.jwks
    return JSONResponse({"keys": keys}, headers={"Cache-Control": "public, max-age=300"})
