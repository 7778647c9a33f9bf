"""Response bodies of the delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from batchivo_common.pagination import Page
from pydantic import BaseModel, ConfigDict

DeliveryStatus = Literal["pending", "succeeded", "failed"]


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    #: The ``delivery_id`` the receiver gets (``Batchivo-Webhook-Id``), the same on every attempt.
    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_latency_ms: int | None
    last_error: str | None
    #: The first 500 characters of the receiver's last answer.
    response_snippet: str | None
    #: Exactly the JSON body sent.
    payload: dict[str, Any]
    created_at: datetime
    delivered_at: datetime | None


class DeliveryQueued(BaseModel):
    delivery_id: uuid.UUID
    status: DeliveryStatus


DeliveryPage = Page[DeliveryRead]
