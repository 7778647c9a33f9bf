"""Request and response bodies of sign-up, login, tokens, /me and API keys (domain.md §1 JSON keys)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from batchivo_common.auth.scopes import ALL_SCOPES, Scope, scopes_beyond_role
from batchivo_common.auth.tokens import Role
from batchivo_common.pagination import Page
from pydantic import (
    BaseModel,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from batchivo_auth.invitations.rules import INVITATION_TOKEN_MAX_LENGTH
from batchivo_auth.tenants.rules import TENANT_NAME_MAX_LENGTH
from batchivo_auth.tokens.rules import API_KEY_MAX_LENGTH, API_KEY_NAME_MAX_LENGTH, REFRESH_TOKEN_MAX_LENGTH
from batchivo_auth.users.rules import (
    EMAIL_MAX_LENGTH,
    FULL_NAME_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
)

Email = Annotated[EmailStr, Field(max_length=EMAIL_MAX_LENGTH, examples=["maker@example.com"])]
Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]
FullName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=FULL_NAME_MAX_LENGTH)
]
TenantName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TENANT_NAME_MAX_LENGTH)
]
RefreshTokenStr = Annotated[str, Field(min_length=1, max_length=REFRESH_TOKEN_MAX_LENGTH)]


class RegisterRequest(BaseModel):
    """Either ``tenant_name`` (a new shop, the person its owner) or ``invitation_token`` (join the shop that
    invited this email, with the invited role, and create no shop)."""

    email: Email
    password: Password
    full_name: FullName
    # Declared before tenant_name: its validator reads it.
    invitation_token: Annotated[
        str | None,
        Field(
            min_length=1, max_length=INVITATION_TOKEN_MAX_LENGTH, description="The secret of an invitation"
        ),
    ] = None
    tenant_name: Annotated[
        TenantName | None,
        Field(
            validate_default=True,
            description="The new shop's name; required unless `invitation_token` is given, then absent",
        ),
    ] = None
    currency_code: Annotated[str, Field(min_length=3, max_length=3, examples=["GBP"])] = "GBP"

    @field_validator("tenant_name", mode="after")
    @classmethod
    def _shop_or_invitation(cls, value: str | None, info: ValidationInfo) -> str | None:
        invited = info.data.get("invitation_token") is not None
        if value is None and not invited:
            raise PydanticCustomError("missing", "Field required (or give invitation_token to join a shop)")
        if value is not None and invited:
            raise ValueError("must be absent with invitation_token: joining a shop creates none")
        return value

    @field_validator("currency_code")
    @classmethod
    def _currency(cls, value: str) -> str:
        code = value.upper()
        if not (code.isascii() and code.isalpha()):
            raise ValueError("must be three letters (ISO 4217), e.g. GBP")
        return code


class LoginRequest(BaseModel):
    email: Email
    # No minimum here: a login says only "wrong email or password", never which rule a guess broke.
    password: Annotated[str, Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)]
    tenant_id: uuid.UUID | None = None


class RefreshRequest(BaseModel):
    refresh_token: RefreshTokenStr


class LogoutRequest(BaseModel):
    refresh_token: RefreshTokenStr


class SwitchTenantRequest(BaseModel):
    tenant_id: uuid.UUID


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str | None = Field(
        description="null in browser mode (`X-Batchivo-Auth: cookie`): the token is in the cookie instead"
    )
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")


class MeUser(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str


class MeTenant(BaseModel):
    id: uuid.UUID
    name: str
    slug: str
    currency_code: str


class MeMembership(BaseModel):
    tenant_id: uuid.UUID
    tenant_name: str
    role: Role


class MeRead(BaseModel):
    user: MeUser
    tenant: MeTenant
    role: Role
    memberships: list[MeMembership]


class ApiKeyCreate(BaseModel):
    name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=API_KEY_NAME_MAX_LENGTH)
    ]
    role: Role
    scopes: Annotated[
        list[Scope] | None,
        Field(
            max_length=len(ALL_SCOPES) * 2,
            description="What the key may do on top of its role. `read` is always included. Omitted or"
            " null: every scope the role allows (what keys could do before scopes). A scope the role cannot"
            " use (any write scope on a viewer key, `webhooks:write` below admin) is refused with 422.",
        ),
    ] = None

    @model_validator(mode="after")
    def _within_role(self) -> ApiKeyCreate:
        beyond = scopes_beyond_role(self.scopes or (), self.role)
        if beyond:
            raise ValueError(f"a {self.role.value} key cannot hold {', '.join(beyond)}")
        return self


class ApiKeyRead(BaseModel):
    id: uuid.UUID
    name: str
    role: Role
    scopes: list[Scope]
    prefix: str
    created_by: uuid.UUID
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(BaseModel):
    """The only response that ever contains ``key``."""

    id: uuid.UUID
    name: str
    role: Role
    scopes: list[Scope]
    prefix: str
    key: str
    created_at: datetime


ApiKeyPage = Page[ApiKeyRead]


class ApiKeyExchange(BaseModel):
    key: Annotated[str, Field(min_length=1, max_length=API_KEY_MAX_LENGTH)]


class ExchangedToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
