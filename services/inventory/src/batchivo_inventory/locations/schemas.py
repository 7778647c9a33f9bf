"""Bodies of the location endpoints, the spools' move and their history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Self

from batchivo_common.pagination import Page
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from batchivo_inventory.locations.models import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH
from batchivo_inventory.locations.rules import EventKind
from batchivo_inventory.materials.schemas import Patch
from batchivo_inventory.spools.schemas import SpoolRead
from batchivo_inventory.types import Number

#: Most spools one move takes (a shelf's worth; larger moves are several requests).
MOVE_MAX = 200

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX_LENGTH)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=DESCRIPTION_MAX_LENGTH)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LocationCreate(_Strict):
    name: Name
    description: Description | None = None


class LocationUpdate(Patch):
    """A new ``name`` renames the location on every spool stored there."""

    NOT_NULL = frozenset({"name"})

    name: Name | None = None
    description: Description | None = None


class LocationMerge(_Strict):
    """Move every spool of this location into ``into_id``, then delete this one."""

    into_id: uuid.UUID


class LocationRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    #: Active spools stored here and the grams they hold (archived spools are counted apart).
    spool_count: int
    remaining_grams: Number
    archived_spool_count: int
    created_at: datetime
    updated_at: datetime


class SpoolMove(_Strict):
    """Exactly one of ``location_id`` or ``location`` (a name: the location of that name, any case, or a new
    one); ``location: null`` with no ``location_id`` takes the spools out of every location."""

    spool_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=MOVE_MAX)]
    location_id: uuid.UUID | None = None
    location: Name | None = None

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if self.location_id is not None and self.location is not None:
            raise ValueError("give location_id or location, not both")
        if self.location_id is None and "location" not in self.model_fields_set:
            raise ValueError("give location_id, or location (a name, or null for no location)")
        return self


class SpoolMoveRead(BaseModel):
    items: list[SpoolRead]
    #: How many spools changed place (a spool already there records nothing).
    moved: int


class SpoolEventRead(BaseModel):
    id: uuid.UUID
    spool_id: uuid.UUID
    kind: EventKind
    from_location: str | None
    to_location: str | None
    reason: str | None
    actor_id: uuid.UUID | None
    created_at: datetime


LocationPage = Page[LocationRead]
SpoolEventPage = Page[SpoolEventRead]
