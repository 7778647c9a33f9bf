"""Queries on ``auth.users`` and the login lookup."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_auth.users.models import User

# SECURITY DEFINER function owned by the NOLOGIN lookup role (docs/adr/0002-login-lookup.md): the only way
# the app role can read a password hash.
_FIND_LOGIN = text("select user_id, password_hash, is_active from auth.find_login(:email)")


@dataclass(frozen=True, slots=True)
class LoginRecord:
    user_id: uuid.UUID
    password_hash: str
    is_active: bool


class UserRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def by_email(self, email: str) -> User | None:
        result = await self.session.execute(select(User).where(func.lower(User.email) == func.lower(email)))
        return result.scalar_one_or_none()

    async def email_taken(self, email: str) -> bool:
        result = await self.session.execute(
            select(User.id).where(func.lower(User.email) == func.lower(email)).limit(1)
        )
        return result.first() is not None

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def find_login(self, email: str) -> LoginRecord | None:
        row = (await self.session.execute(_FIND_LOGIN, {"email": email})).first()
        if row is None:
            return None
        return LoginRecord(user_id=row.user_id, password_hash=row.password_hash, is_active=row.is_active)
