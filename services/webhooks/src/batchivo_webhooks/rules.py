"""Delivery rules as plain functions (docs/adr/0019-webhooks.md): the retry schedule, what an attempt's
outcome does to a delivery, and when an endpoint is disabled."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

#: How much of a receiver's answer the delivery log keeps.
SNIPPET_CHARS = 500


class Status(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"


@dataclass(frozen=True)
class Schedule:
    base_seconds: float = 30.0
    cap_seconds: float = 3600.0
    window_seconds: float = 24 * 3600.0


def backoff_ceiling(attempts: int, schedule: Schedule) -> float:
    """The longest wait after the ``attempts``-th failed attempt: ``base * 2**(attempts-1)``, capped."""
    if attempts < 1:
        return 0.0
    exponent = min(attempts - 1, 62)  # 2**62 * base is far past any cap; no overflow
    return float(min(schedule.cap_seconds, schedule.base_seconds * (2**exponent)))


def retry_delay(attempts: int, schedule: Schedule, rand: Callable[[], float] = random.random) -> float:
    """Full jitter: a uniform wait in ``[0, ceiling)`` (``rand`` in [0, 1); injectable for tests)."""
    return backoff_ceiling(attempts, schedule) * rand()


def is_success(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300


@dataclass(frozen=True)
class Outcome:
    """What happens to a delivery after an attempt."""

    status: Status
    next_attempt_at: datetime | None


def after_attempt(
    *,
    succeeded: bool,
    attempts: int,
    first_attempt_at: datetime,
    now: datetime,
    schedule: Schedule,
    rand: Callable[[], float] = random.random,
) -> Outcome:
    """``attempts`` counts the attempt just made. A failure is retried after the jittered back-off unless
    the retry would fall after the window that began with the first attempt; then the delivery fails."""
    if succeeded:
        return Outcome(Status.succeeded, None)
    deadline = first_attempt_at + timedelta(seconds=schedule.window_seconds)
    if now >= deadline:
        return Outcome(Status.failed, None)
    retry_at = now + timedelta(seconds=retry_delay(attempts, schedule, rand))
    # The last retry happens at the deadline at the latest, so a receiver down for under 24 h still gets it.
    return Outcome(Status.pending, min(retry_at, deadline))


def should_disable(failing_since: datetime | None, now: datetime, disable_after_seconds: float) -> bool:
    """An endpoint is disabled when every delivery since ``failing_since`` failed for the whole period."""
    return failing_since is not None and now - failing_since >= timedelta(seconds=disable_after_seconds)


def describe_failure(status_code: int | None, error: str | None) -> str:
    """``HTTP 500`` or the transport error, for the log and the disabled reason."""
    if status_code is not None:
        return f"HTTP {status_code}"
    return error or "no answer"


def disabled_reason(disable_after_seconds: float, last: str) -> str:
    hours = disable_after_seconds / 3600
    period = f"{hours:g} h" if hours >= 1 else f"{disable_after_seconds:g} s"
    return f"every delivery failed for {period}; last: {last}"


def snippet(text: str) -> str:
    return text[:SNIPPET_CHARS]
