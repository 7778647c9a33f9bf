"""Pure rules of printers that follow their API key (docs/adr/0021-printers-follow-their-api-key.md).

A printer linked to an API key gets the spool that key reports usage on loaded:

- already in the printer: it stays in its slot;
- the printer holds fewer spools than its ``slot_count``: the first free slot numbered from 1 (the web app
  numbers slots from 1, as its Load dialog does);
- every slot is full: it replaces the spool in the lowest-numbered slot (slot 1 when the app loaded them).

Counting spools rather than slot numbers keeps a one-slot printer at one spool whether its spool was
loaded in slot 0 (the API's default) or slot 1. A report older than the printer's last one is ignored
(events may arrive out of order).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

#: The first slot number the rule hands out.
FIRST_SLOT = 1


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a reported spool goes in its printer. ``slot`` None: it is already loaded there, nothing
    moves. ``replaces``: the spool unloaded from that slot to make room (None when the slot was free)."""

    slot: int | None
    replaces: uuid.UUID | None = None


def place_reported_spool(spool_id: uuid.UUID, loaded: Mapping[int, uuid.UUID], slot_count: int) -> Placement:
    """``loaded``: the printer's slot → spool."""
    if spool_id in loaded.values():
        return Placement(slot=None)
    if len(loaded) < max(slot_count, 1):
        slot = FIRST_SLOT
        while slot in loaded:
            slot += 1
        return Placement(slot=slot)
    first = min(loaded)
    return Placement(slot=first, replaces=loaded[first])


def is_stale(reported_at: datetime, last_reported_at: datetime | None) -> bool:
    """A report strictly older than the last one applied changes nothing (an equal one is re-applied,
    which is harmless: the spool is then already loaded)."""
    return last_reported_at is not None and reported_at < last_reported_at
