"""The retry schedule, the outcome of an attempt and the disable rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from batchivo_webhooks.rules import (
    Schedule,
    Status,
    after_attempt,
    backoff_ceiling,
    describe_failure,
    disabled_reason,
    is_success,
    retry_delay,
    should_disable,
    snippet,
)

S = Schedule(base_seconds=30, cap_seconds=3600, window_seconds=24 * 3600)
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_ceiling_doubles_from_the_base_and_is_capped() -> None:
    assert [backoff_ceiling(n, S) for n in range(0, 9)] == [0, 30, 60, 120, 240, 480, 960, 1920, 3600]
    assert backoff_ceiling(500, S) == 3600


def test_full_jitter_spans_zero_to_the_ceiling() -> None:
    assert retry_delay(3, S, rand=lambda: 0.0) == 0
    assert retry_delay(3, S, rand=lambda: 0.5) == 60
    assert retry_delay(3, S, rand=lambda: 0.999) == pytest.approx(119.88)


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        (200, True),
        (204, True),
        (299, True),
        (300, False),
        (301, False),
        (404, False),
        (500, False),
        (None, False),
    ],
)
def test_only_2xx_succeeds(code: int | None, ok: bool) -> None:
    assert is_success(code) is ok


def test_a_success_ends_the_delivery() -> None:
    out = after_attempt(succeeded=True, attempts=4, first_attempt_at=T0, now=T0, schedule=S)
    assert out == (Status.succeeded, None) or (out.status, out.next_attempt_at) == (Status.succeeded, None)


def test_a_failure_is_retried_after_the_jittered_backoff() -> None:
    now = T0 + timedelta(minutes=5)
    out = after_attempt(
        succeeded=False, attempts=2, first_attempt_at=T0, now=now, schedule=S, rand=lambda: 0.5
    )
    assert out.status is Status.pending
    assert out.next_attempt_at == now + timedelta(seconds=30)


def test_the_last_retry_is_at_the_window_end_then_the_delivery_fails() -> None:
    near_end = T0 + timedelta(hours=23, minutes=59)
    out = after_attempt(
        succeeded=False, attempts=30, first_attempt_at=T0, now=near_end, schedule=S, rand=lambda: 0.99
    )
    assert out.status is Status.pending
    assert out.next_attempt_at == T0 + timedelta(hours=24)
    end = after_attempt(
        succeeded=False, attempts=31, first_attempt_at=T0, now=T0 + timedelta(hours=24), schedule=S
    )
    assert (end.status, end.next_attempt_at) == (Status.failed, None)


def test_disable_after_a_full_day_of_failures() -> None:
    day = 24 * 3600
    assert not should_disable(None, T0, day)
    assert not should_disable(T0, T0 + timedelta(hours=23, minutes=59), day)
    assert should_disable(T0, T0 + timedelta(hours=24), day)


def test_texts() -> None:
    assert describe_failure(500, None) == "HTTP 500"
    assert describe_failure(None, "timed out after 10 s") == "timed out after 10 s"
    assert disabled_reason(86400, "HTTP 500") == "every delivery failed for 24 h; last: HTTP 500"
    assert len(snippet("x" * 600)) == 500
