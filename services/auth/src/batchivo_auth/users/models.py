"""``auth.users``: people. Global, not tenant rows: one person can belong to several tenants.

The app role may read every column but ``password_hash`` (column privileges in the migration); the hash is
written at registration and read back only through ``auth.find_login()``. Hence ``deferred_raiseload``:
a plain ``select(User)`` never names the column, and touching it on a loaded user raises instead of
issuing a query the database would refuse.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, String, Uuid, func, text
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_auth.db import Base
from batchivo_auth.users.rules import EMAIL_MAX_LENGTH, FULL_NAME_MAX_LENGTH


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # Case-insensitive uniqueness whatever writes the row; the app also stores emails lower-cased.
        Index("uq_users_email", func.lower(text("email")), unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), nullable=False)
    password_hash: Mapped[str] = mapped_column(
        String(100), nullable=False, deferred=True, deferred_raiseload=True
    )
    full_name: Mapped[str] = mapped_column(String(FULL_NAME_MAX_LENGTH), nullable=False)
    is_active: Mapped[bool] = mapped_column(
        Boolean, nullable=False, server_default=text("true"), default=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )
