"""Bodies of the members endpoints (domain.md §1: ``POST {email, role}``, ``PATCH {role}``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from batchivo_common.auth.tokens import Role
from batchivo_common.pagination import Page
from pydantic import BaseModel

#: ``?sort=`` whitelist of the members list.
MEMBER_SORTS = ("joined_at", "email", "full_name", "role")


class MemberUpdate(BaseModel):
    role: Role | None = None


class MemberRead(BaseModel):
    user_id: uuid.UUID
    email: str
    full_name: str
    role: Role
    joined_at: datetime


MemberPage = Page[MemberRead]
