"""Where a spool reported by a printer's API key goes, and which reports are stale (printers/rules.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from batchivo_production.printers.rules import Placement, is_stale, place_reported_spool

A, B, C, D = (uuid.uuid4() for _ in range(4))


def test_an_empty_printer_takes_it_in_slot_1() -> None:
    assert place_reported_spool(A, {}, 1) == Placement(slot=1)
    assert place_reported_spool(A, {}, 4) == Placement(slot=1)


def test_a_spool_already_loaded_stays_where_it_is() -> None:
    assert place_reported_spool(A, {2: A}, 4) == Placement(slot=None)
    # Even in a full printer, and in a slot beyond its count (loaded by hand).
    assert place_reported_spool(A, {1: B, 5: A}, 1) == Placement(slot=None)


def test_the_first_free_slot_from_1_is_taken_while_the_printer_has_room() -> None:
    assert place_reported_spool(C, {1: A, 3: B}, 4) == Placement(slot=2)
    assert place_reported_spool(D, {1: A, 2: B, 3: C}, 4) == Placement(slot=4)
    # A spool loaded by hand in slot 0 counts towards the printer's spools, and slot 1 is still free.
    assert place_reported_spool(B, {0: A}, 2) == Placement(slot=1)


def test_a_full_printer_has_its_lowest_slot_replaced() -> None:
    assert place_reported_spool(B, {1: A}, 1) == Placement(slot=1, replaces=A)
    assert place_reported_spool(D, {1: A, 2: B, 3: C}, 3) == Placement(slot=1, replaces=A)
    # Whether its spool went in slot 0 (the API's default) or 1, a one-slot printer keeps one spool.
    assert place_reported_spool(B, {0: A}, 1) == Placement(slot=0, replaces=A)
    # More spools than slots (loaded by hand) is full too.
    assert place_reported_spool(D, {2: A, 3: B, 7: C}, 2) == Placement(slot=2, replaces=A)


def test_only_a_strictly_older_report_is_stale() -> None:
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    assert not is_stale(now, None)
    assert not is_stale(now, now)
    assert not is_stale(now + timedelta(seconds=1), now)
    assert is_stale(now - timedelta(microseconds=1), now)
