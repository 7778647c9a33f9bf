"""Pure rules of production runs (domain.md §4): the status machine, run numbers, actual grams, variance.

Plain functions over Decimal, unit-tested without a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from batchivo_common.errors import AppError, Conflict

GRAMS = Decimal("0.01")
PERCENT = Decimal("0.01")
HOURS = Decimal("0.01")


class Status(StrEnum):
    planned = "planned"
    in_progress = "in_progress"
    completed = "completed"
    failed = "failed"
    cancelled = "cancelled"


class Action(StrEnum):
    start = "start"
    complete = "complete"
    fail = "fail"
    cancel = "cancel"
    revert = "revert"


#: The status machine of domain.md §4: (from, action) → to.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.planned, Action.start): Status.in_progress,
    (Status.in_progress, Action.complete): Status.completed,
    (Status.in_progress, Action.fail): Status.failed,
    (Status.planned, Action.cancel): Status.cancelled,
    (Status.in_progress, Action.cancel): Status.cancelled,
    (Status.completed, Action.revert): Status.in_progress,
}
#: Runs whose estimated grams are reserved on their spools.
RESERVING = (Status.planned, Status.in_progress)
#: Finished runs: read-only except notes and quality.
FINISHED = (Status.completed, Status.failed, Status.cancelled)
#: What a finished run still lets PATCH change.
FINISHED_EDITABLE = frozenset({"notes", "quality_rating"})


class InvalidTransition(Conflict):
    code = "INVALID_TRANSITION"


class RunFinished(Conflict):
    code = "RUN_FINISHED"


class MissingActuals(AppError):
    status_code, code = 422, "MISSING_ACTUALS"


def transition(current: str, action: Action) -> Status:
    """The status ``action`` leads to from ``current``; 409 INVALID_TRANSITION without an edge."""
    target = TRANSITIONS.get((Status(current), action))
    if target is None:
        raise InvalidTransition(f"Cannot {action.value} a run that is {current}")
    return target


def run_number(day: date, sequence: int) -> str:
    """``RUN-YYYYMMDD-NNN`` (at least three digits; the 1000th run of a day reads ``-1000``)."""
    return f"RUN-{day:%Y%m%d}-{sequence:03d}"


def grams(value: Decimal) -> Decimal:
    return value.quantize(GRAMS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Line:
    """A material line's numbers, as the rules need them."""

    estimated_model: Decimal = Decimal(0)
    estimated_flush: Decimal = Decimal(0)
    estimated_tower: Decimal = Decimal(0)
    weight_before: Decimal | None = None
    weight_after: Decimal | None = None
    actual_model: Decimal | None = None
    actual_flush: Decimal | None = None
    actual_tower: Decimal | None = None

    @property
    def estimated(self) -> Decimal:
        return self.estimated_model + self.estimated_flush + self.estimated_tower

    @property
    def weighed(self) -> bool:
        return self.weight_before is not None and self.weight_after is not None

    @property
    def actual(self) -> Decimal | None:
        """Weighing wins (before - after); else the entered grams; None when nothing is known yet."""
        if self.weight_before is not None and self.weight_after is not None:
            return grams(self.weight_before - self.weight_after)
        entered = [g for g in (self.actual_model, self.actual_flush, self.actual_tower) if g is not None]
        return grams(sum(entered, Decimal(0))) if entered else None


class WeighingInverted(AppError):
    status_code, code = 422, "INVALID_WEIGHING"


def check_weighing(before: Decimal | None, after: Decimal | None) -> None:
    """The spool cannot weigh more after the print than before it."""
    if before is not None and after is not None and after > before:
        raise WeighingInverted(f"weight_after ({after}) is more than weight_before ({before})")


@dataclass(frozen=True, slots=True)
class Variance:
    grams: Decimal
    percent: Decimal | None


def variance(estimated: Decimal, actual: Decimal | None) -> Variance | None:
    """``actual - estimated`` and its % of estimated (None when nothing was estimated)."""
    if actual is None:
        return None
    diff = grams(actual - estimated)
    pct = None if estimated == 0 else (diff / estimated * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)
    return Variance(diff, pct)


def time_variance(estimated_hours: Decimal | None, actual_hours: Decimal | None) -> Decimal | None:
    if estimated_hours is None or actual_hours is None:
        return None
    return (actual_hours - estimated_hours).quantize(HOURS, rounding=ROUND_HALF_UP)


def success_rate(successful: int, planned: int) -> Decimal | None:
    """``sum successful / sum planned x 100`` (None for an empty run)."""
    if planned <= 0:
        return None
    return (Decimal(successful) / Decimal(planned) * 100).quantize(PERCENT, rounding=ROUND_HALF_UP)


class InvalidOutcome(AppError):
    status_code, code = 422, "INVALID_OUTCOME"


def check_outcome(quantity: int, successful: int | None, failed: int | None) -> None:
    """Good and failed units never exceed the planned quantity."""
    if (successful or 0) + (failed or 0) > quantity:
        raise InvalidOutcome(
            f"successful ({successful or 0}) + failed ({failed or 0}) exceeds the quantity ({quantity})"
        )


def hours_between(start: object, end: object) -> Decimal | None:
    """Hours between two datetimes, 2 dp (None when either is missing)."""
    from datetime import datetime

    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    seconds = Decimal(str((end - start).total_seconds()))
    return max(Decimal(0), (seconds / 3600).quantize(HOURS, rounding=ROUND_HALF_UP))
