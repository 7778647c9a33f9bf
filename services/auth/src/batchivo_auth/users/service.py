"""People: password hashing off the event loop, sign-up of a user, and checking a login."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import uuid

import bcrypt
from batchivo_common.errors import Conflict, Unauthenticated
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_auth.users.models import User
from batchivo_auth.users.repository import UserRepository
from batchivo_auth.users.rules import normalize_email

INVALID_CREDENTIALS = "Invalid email or password"


def _prehash(password: str) -> bytes:
    # bcrypt reads at most 72 bytes (bcrypt>=5 refuses longer input) and a 128-character password can be
    # 512 bytes of UTF-8; hashing first gives every character weight. base64 keeps NUL bytes out.
    return base64.b64encode(hashlib.sha256(password.encode()).digest())


class PasswordHasher:
    """bcrypt at a fixed cost, always run in a worker thread so the event loop never blocks on it."""

    def __init__(self, rounds: int):
        self.rounds = rounds
        # Verified against when the email is unknown, so both failures cost one bcrypt check at this cost.
        self._dummy_hash = bcrypt.hashpw(_prehash(uuid.uuid4().hex), bcrypt.gensalt(rounds))

    def _hash(self, password: str) -> str:
        return bcrypt.hashpw(_prehash(password), bcrypt.gensalt(self.rounds)).decode()

    def _verify(self, password: str, hashed: bytes) -> bool:
        try:
            return bcrypt.checkpw(_prehash(password), hashed)
        except ValueError:  # a malformed stored hash never matches
            return False

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hash, password)

    async def verify(self, password: str, hashed: str | None) -> bool:
        """``hashed=None`` (no such user) still spends one full bcrypt check, then answers False."""
        if hashed is None:
            await asyncio.to_thread(self._verify, password, self._dummy_hash)
            return False
        return await asyncio.to_thread(self._verify, password, hashed.encode())


class UserService:
    def __init__(self, session: AsyncSession, hasher: PasswordHasher):
        self.users = UserRepository(session)
        self.hasher = hasher

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.users.get(user_id)

    async def by_email(self, email: str) -> User | None:
        return await self.users.by_email(normalize_email(email))

    async def sign_up(self, email: str, password_hash: str, full_name: str) -> User:
        """Create a user from an already hashed password (hash before the transaction starts)."""
        email = normalize_email(email)
        if await self.users.email_taken(email):
            raise Conflict("An account with this email already exists")
        try:
            return await self.users.add(User(email=email, password_hash=password_hash, full_name=full_name))
        except IntegrityError:  # a concurrent sign-up with the same email won the race
            raise Conflict("An account with this email already exists") from None

    async def authenticate(self, email: str, password: str) -> uuid.UUID:
        """The user id for a correct email and password; the same 401, after the same work, otherwise."""
        record = await self.users.find_login(normalize_email(email))
        valid = await self.hasher.verify(password, record.password_hash if record else None)
        if record is None or not valid or not record.is_active:
            raise Unauthenticated(INVALID_CREDENTIALS)
        return record.user_id
