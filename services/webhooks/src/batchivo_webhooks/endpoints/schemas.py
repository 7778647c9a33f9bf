"""Request and response bodies of ``/api/v1/webhooks/endpoints``. No read ever carries the secret: only
the create and rotate answers do, once."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from batchivo_common.pagination import Page
from pydantic import BaseModel, ConfigDict, Field

Url = Annotated[str, Field(min_length=1, max_length=2048)]
Description = Annotated[str, Field(max_length=500)]
EventTypes = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=255)]], Field(min_length=1, max_length=100)
]


class EventTypeRead(BaseModel):
    type: str
    description: str


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url
    description: Description | None = None
    event_types: EventTypes
    active: bool = True


class EndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    description: Description | None = None
    event_types: EventTypes | None = None
    active: bool | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class EndpointRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    description: str | None
    event_types: list[str]
    active: bool
    #: The last 4 characters of the signing secret, to tell secrets apart.
    secret_hint: str
    #: Until when the secret before the last rotation still signs (None: no previous secret).
    previous_secret_expires_at: datetime | None
    disabled_at: datetime | None
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class EndpointCreated(EndpointRead):
    #: The signing secret, shown this once.
    secret: str


class SecretRotated(BaseModel):
    #: The new signing secret, shown this once; the previous one signs too until
    #: ``previous_secret_expires_at``.
    secret: str
    secret_hint: str
    previous_secret_expires_at: datetime | None


EndpointPage = Page[EndpointRead]
