"""``auth.refresh_tokens`` and ``auth.api_keys``: tenant rows under RLS, secrets stored only as sha256 hex."""

from __future__ import annotations

import uuid
from datetime import datetime

from batchivo_common.auth.scopes import ALL_SCOPES
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_auth.db import Base
from batchivo_auth.tenants.rules import ROLE_NAMES
from batchivo_auth.tokens.rules import API_KEY_NAME_MAX_LENGTH


class RefreshToken(Base):
    """One refresh token of a login session. A session (``family_id``) is a chain of rotated tokens."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        Index("ix_refresh_tokens_tenant_id_family_id", "tenant_id", "family_id"),
        Index("ix_refresh_tokens_tenant_id_user_id", "tenant_id", "user_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    )
    family_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    #: Set when the token was exchanged for the next one; presenting it again is theft.
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class ApiKey(Base):
    """A credential for a partner system: one tenant, one role, its scopes, shown once, stored as sha256
    hex."""

    __tablename__ = "api_keys"
    __table_args__ = (
        UniqueConstraint("key_hash"),
        Index("ix_api_keys_tenant_id_created_at", "tenant_id", "created_at"),
        CheckConstraint(f"role in ({', '.join(repr(r) for r in ROLE_NAMES)})", name="role"),
        CheckConstraint(
            f"scopes <@ ARRAY[{', '.join(repr(s) for s in ALL_SCOPES)}]::text[] AND 'read' = ANY (scopes)",
            name="scopes",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(API_KEY_NAME_MAX_LENGTH), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    #: What the key may do on top of its role (batchivo_common.auth.scopes), in documented order.
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
