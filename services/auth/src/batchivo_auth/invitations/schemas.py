"""Bodies of the invitation endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from batchivo_common.auth.tokens import Role
from batchivo_common.pagination import Page
from pydantic import BaseModel, EmailStr, Field

from batchivo_auth.users.rules import EMAIL_MAX_LENGTH


class InvitationCreate(BaseModel):
    email: Annotated[EmailStr, Field(max_length=EMAIL_MAX_LENGTH, examples=["maker@example.com"])]
    role: Role


class InvitationRead(BaseModel):
    """A pending invitation as the inviting tenant's admins see it: nothing about the invitee's account."""

    id: uuid.UUID
    email: str
    role: Role
    invited_by: uuid.UUID
    created_at: datetime
    expires_at: datetime


class InvitationCreated(InvitationRead):
    token: str = Field(
        description="Shown once. Someone without an account registers with it (`invitation_token`) to join"
    )


InvitationPage = Page[InvitationRead]


class MyInvitation(BaseModel):
    """A pending invitation of the signed-in person."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    role: Role
    created_at: datetime
    expires_at: datetime


class MyInvitationList(BaseModel):
    items: list[MyInvitation]


class JoinedTenant(BaseModel):
    """The membership an accepted invitation created (as in `/me`'s `memberships`)."""

    tenant_id: uuid.UUID
    tenant_name: str
    role: Role
