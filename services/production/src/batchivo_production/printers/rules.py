"""Pure rules of printers that follow their API key (docs/adr/0021-printers-follow-their-api-key.md).

A printer linked to an API key gets the spool that key reports usage on loaded: it stays where it is when
the printer already holds it; otherwise it takes the printer's first free slot (``0 .. slot_count - 1``),
or replaces the spool in slot 0 when every slot is full. A report older than the printer's last one is
ignored (events may arrive out of order).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a reported spool goes in its printer. ``slot`` None: it is already loaded there, nothing
    moves. ``replaces``: the spool unloaded from that slot to make room (None when the slot was free)."""

    slot: int | None
    replaces: uuid.UUID | None = None


def place_reported_spool(spool_id: uuid.UUID, loaded: Mapping[int, uuid.UUID], slot_count: int) -> Placement:
    """``loaded``: the printer's slot → spool. Slots at or beyond ``slot_count`` (loaded by hand) are never
    chosen, and do not make the printer full."""
    if spool_id in loaded.values():
        return Placement(slot=None)
    for slot in range(max(slot_count, 1)):
        if slot not in loaded:
            return Placement(slot=slot)
    return Placement(slot=0, replaces=loaded.get(0))


def is_stale(reported_at: datetime, last_reported_at: datetime | None) -> bool:
    """A report strictly older than the last one applied changes nothing (an equal one is re-applied,
    which is harmless: the spool is then already loaded)."""
    return last_reported_at is not None and reported_at < last_reported_at
