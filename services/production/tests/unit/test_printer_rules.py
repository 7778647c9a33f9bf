"""Where a spool reported by a printer's API key goes, and which reports are stale (printers/rules.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from batchivo_production.printers.rules import Placement, is_stale, place_reported_spool

A, B, C, D = (uuid.uuid4() for _ in range(4))


def test_an_empty_printer_takes_it_in_slot_0() -> None:
    assert place_reported_spool(A, {}, 1) == Placement(slot=0)
    assert place_reported_spool(A, {}, 4) == Placement(slot=0)


def test_a_spool_already_loaded_stays_where_it_is() -> None:
    assert place_reported_spool(A, {2: A}, 4) == Placement(slot=None)
    # Even in a slot beyond the printer's count (loaded by hand), and in a full printer.
    assert place_reported_spool(A, {0: B, 5: A}, 1) == Placement(slot=None)


def test_the_first_free_slot_is_taken() -> None:
    assert place_reported_spool(C, {0: A, 2: B}, 4) == Placement(slot=1)
    assert place_reported_spool(D, {0: A, 1: B, 2: C}, 4) == Placement(slot=3)


def test_a_full_printer_has_slot_0_replaced() -> None:
    assert place_reported_spool(B, {0: A}, 1) == Placement(slot=0, replaces=A)
    assert place_reported_spool(D, {0: A, 1: B, 2: C}, 3) == Placement(slot=0, replaces=A)


def test_slots_beyond_the_count_neither_fill_nor_are_chosen() -> None:
    # Slot 0 free, a hand-loaded spool in slot 3 of a one-slot printer: slot 0 is free.
    assert place_reported_spool(B, {3: A}, 1) == Placement(slot=0)
    # A one-slot printer whose slot 0 is full is full, whatever sits beyond it.
    assert place_reported_spool(C, {0: A, 3: B}, 1) == Placement(slot=0, replaces=A)


def test_only_a_strictly_older_report_is_stale() -> None:
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    assert not is_stale(now, None)
    assert not is_stale(now, now)
    assert not is_stale(now + timedelta(seconds=1), now)
    assert is_stale(now - timedelta(microseconds=1), now)
