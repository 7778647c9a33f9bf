"""``inventory.inventory_settings``: one row per shop, the money settings of the inventory."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, DateTime, Numeric, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from batchivo_inventory.db import Base


class ShopSettings(Base):
    __tablename__ = "inventory_settings"
    __table_args__ = (
        CheckConstraint("currency_code ~ '^[A-Z]{3}$'", name="currency_code"),
        CheckConstraint("rate_from_eur > 0", name="rate_from_eur"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    #: The shop's currency (ISO 4217) as the web app confirmed it when the settings were saved.
    currency_code: Mapped[str | None] = mapped_column(String(3))
    #: Units of the shop's currency per 1 EUR: converts the global material types' EUR defaults.
    rate_from_eur: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), onupdate=func.now()
    )
