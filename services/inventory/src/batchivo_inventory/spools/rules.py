"""Pure rules of spools and their ledger (domain.md §2). Only the stdlib and ``decimal``.

Ledger invariant (this service's choice, see the README): a spool's ``current_weight`` always equals the
sum of the ``delta`` of its ledger rows. Creating a spool books a ``purchase`` row with
``grams_before = 0`` and ``delta = current_weight`` (the grams it arrived with, usually the initial weight).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

CODE_PREFIX = "FIL-"
CODE_MIN_DIGITS = 3
CODE_MAX_LENGTH = 32
#: Anything heavier than this (grams) is a typo, not a spool.
MAX_GRAMS = Decimal("100000")
GRAMS_PLACES = Decimal("0.01")
COST_PLACES = Decimal("0.0001")
DISCREPANCY_REASON = "discrepancy"

_CODE = re.compile(r"^FIL-(\d+)$")


class Kind(StrEnum):
    purchase = "purchase"
    usage = "usage"
    waste = "waste"
    adjustment = "adjustment"
    return_ = "return"


class WeightError(ValueError):
    """A well-formed request that makes no sense for this spool (HTTP 400)."""


class InsufficientStock(ValueError):
    """A manual usage larger than what the spool holds (HTTP 409 INSUFFICIENT_STOCK)."""


def format_code(number: int) -> str:
    """``1`` → ``FIL-001``; ``1000`` → ``FIL-1000`` (at least three digits, never truncated)."""
    if number < 1:
        raise ValueError("spool code numbers start at 1")
    return f"{CODE_PREFIX}{number:0{CODE_MIN_DIGITS}d}"


def parse_code(code: str) -> int | None:
    """The number of a generated code (``FIL-042`` → 42); None for a code a person chose."""
    match = _CODE.match(code)
    return int(match.group(1)) if match else None


def code_sort_key(code: str) -> tuple[int, int, str]:
    """Generated codes in numeric order (FIL-999 before FIL-1000), then the others alphabetically."""
    number = parse_code(code)
    return (0, number, "") if number is not None else (1, 0, code)


def grams(value: Decimal) -> Decimal:
    return value.quantize(GRAMS_PLACES, rounding=ROUND_HALF_UP)


def net_from_gross(gross: Decimal, tare: Decimal | None) -> Decimal:
    """The filament left on a weighed spool; a reading below the tare is refused."""
    tare = tare or Decimal(0)
    if gross < tare:
        raise WeightError(f"Gross weight {gross} g is below the empty spool weight {tare} g")
    return grams(gross - tare)


def remaining_pct(current: Decimal, initial: Decimal) -> Decimal:
    return grams(current / initial * 100)


def cost_per_gram(price: Decimal | None, initial: Decimal) -> Decimal | None:
    if price is None:
        return None
    return (price / initial).quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def is_low_stock(current: Decimal, initial: Decimal, threshold_pct: Decimal) -> bool:
    return current / initial * 100 < threshold_pct


def check_usage(current: Decimal, used: Decimal) -> None:
    """A person booking usage cannot take more than the spool holds."""
    if used > current:
        raise InsufficientStock(f"The spool holds {current} g; cannot use {used} g")


@dataclass(frozen=True, slots=True)
class Booking:
    """How one consumption (usage or waste from an event) is booked on a spool.

    The print happened, so the consumption is booked in full. When the record holds less than that, the
    record was wrong: first an ``adjustment`` of ``+discrepancy`` (reason ``discrepancy``) brings the
    record up to what must have been there, then the consumption takes it to exactly 0. Both rows keep
    ``grams_after >= 0`` and the invariant ``current == Σ delta``.
    """

    consumed: Decimal
    discrepancy: Decimal

    @property
    def booked_from_record(self) -> Decimal:
        """What the record held and the consumption took (``consumed - discrepancy``)."""
        return self.consumed - self.discrepancy


def split_consumption(current: Decimal, consumed: Decimal) -> Booking:
    if consumed <= current:
        return Booking(consumed=consumed, discrepancy=Decimal(0))
    return Booking(consumed=consumed, discrepancy=consumed - current)


@dataclass(frozen=True, slots=True)
class Movement:
    before: Decimal
    delta: Decimal
    after: Decimal


def movement(before: Decimal, delta: Decimal) -> Movement:
    after = before + delta
    if after < 0:
        raise InsufficientStock(f"The spool holds {before} g; a change of {delta} g would go below 0")
    return Movement(before=before, delta=delta, after=after)
