"""Bodies of the members endpoints (domain.md §1: ``POST {email, role}``, ``PATCH {role}``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from batchivo_common.auth.tokens import Role
from batchivo_common.pagination import Page
from pydantic import BaseModel, EmailStr, Field

from batchivo_auth.users.rules import EMAIL_MAX_LENGTH

#: ``?sort=`` whitelist of the members list.
MEMBER_SORTS = ("joined_at", "email", "full_name", "role")


class MemberCreate(BaseModel):
    email: Annotated[EmailStr, Field(max_length=EMAIL_MAX_LENGTH)]
    role: Role


class MemberUpdate(BaseModel):
    role: Role | None = None


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    full_name: str
    role: Role
    joined_at: datetime


MemberPage = Page[MemberRead]
