"""``auth.invitations``: tenant rows under RLS. The invitee is found across tenants only through the
SECURITY DEFINER functions of migration 0002 (docs/adr/0002-login-lookup.md)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_auth.db import Base
from batchivo_auth.tenants.rules import ROLE_NAMES
from batchivo_auth.users.rules import EMAIL_MAX_LENGTH

#: An invitation nobody has answered or revoked yet (expired or not): at most one per email and tenant.
OPEN = "accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL"


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        Index("uq_invitations_open_email", "tenant_id", "email", unique=True, postgresql_where=text(OPEN)),
        Index("ix_invitations_email", "email"),
        CheckConstraint(f"role in ({', '.join(repr(r) for r in ROLE_NAMES)})", name="role"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    tenant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False
    )
    #: Normalised (``batchivo_common.identifiers``), as users' emails are.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    invited_by: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
