"""Which failures are retried, how long the pause is, and that no pause outlasts the budget."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from strongroom.trigger_archive.domain import (
    FailureKind,
    FetchFailure,
    RetryPolicy,
    failure_for_status,
    parse_retry_after,
)

NOW = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
NO_JITTER = RetryPolicy(jitter=lambda low, high: low)
PLENTY = 600.0


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (200, None),
        (204, None),
        (429, FailureKind.THROTTLED),
        (500, FailureKind.SERVER_ERROR),
        (502, FailureKind.SERVER_ERROR),
        (503, FailureKind.SERVER_ERROR),
        (401, FailureKind.UNAUTHORIZED),
        (400, FailureKind.CLIENT_ERROR),
        (403, FailureKind.CLIENT_ERROR),
        (404, FailureKind.CLIENT_ERROR),
        (302, FailureKind.CLIENT_ERROR),
    ],
)
def test_statuses_are_classified(status: int, kind: FailureKind | None) -> None:
    assert failure_for_status(status) == kind


@pytest.mark.parametrize(
    "kind",
    [
        FailureKind.CONNECTION,
        FailureKind.TIMEOUT,
        FailureKind.THROTTLED,
        FailureKind.SERVER_ERROR,
    ],
)
def test_transient_failures_are_retried(kind: FailureKind) -> None:
    wait = NO_JITTER.wait_before_retry(FetchFailure(kind), retry_number=1, seconds_left=PLENTY)

    assert wait == NO_JITTER.wait_initial_s


@pytest.mark.parametrize(
    "kind", [FailureKind.CLIENT_ERROR, FailureKind.UNAUTHORIZED, FailureKind.NOT_JSON]
)
def test_other_failures_fail_at_once(kind: FailureKind) -> None:
    assert (
        NO_JITTER.wait_before_retry(FetchFailure(kind), retry_number=1, seconds_left=PLENTY) is None
    )


def test_the_pause_doubles_up_to_its_ceiling() -> None:
    policy = RetryPolicy(
        max_attempts=10, wait_initial_s=0.5, wait_max_s=3.0, jitter=lambda low, high: low
    )

    assert [policy.backoff_s(number) for number in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_is_added_within_its_bound() -> None:
    drawn: list[tuple[float, float]] = []

    def highest(low: float, high: float) -> float:
        drawn.append((low, high))
        return high

    policy = RetryPolicy(wait_initial_s=0.5, wait_jitter_s=1.0, jitter=highest)

    assert policy.backoff_s(1) == 1.5
    assert drawn == [(0.0, 1.0)]


def test_attempts_are_bounded() -> None:
    policy = RetryPolicy(max_attempts=3, jitter=lambda low, high: low)
    failure = FetchFailure(FailureKind.SERVER_ERROR)

    assert policy.wait_before_retry(failure, retry_number=2, seconds_left=PLENTY) is not None
    assert policy.wait_before_retry(failure, retry_number=3, seconds_left=PLENTY) is None


def test_retry_after_is_honoured_as_given() -> None:
    failure = FetchFailure(FailureKind.THROTTLED, status=429, retry_after_s=7.0)

    assert NO_JITTER.wait_before_retry(failure, retry_number=1, seconds_left=PLENTY) == 7.0


def test_no_pause_outlasts_the_budget() -> None:
    throttled = FetchFailure(FailureKind.THROTTLED, status=429, retry_after_s=30.0)
    server_error = FetchFailure(FailureKind.SERVER_ERROR, status=503)

    assert NO_JITTER.wait_before_retry(throttled, retry_number=1, seconds_left=29.0) is None
    assert NO_JITTER.wait_before_retry(server_error, retry_number=1, seconds_left=0.2) is None


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 120 ", 120.0),
        ("Thu, 03 Dec 2026 20:30:10 GMT", 10.0),
        ("Thu, 03 Dec 2026 20:29:00 GMT", 0.0),  # already past: no wait
        (None, None),
        ("soon", None),
        ("-5", None),
        ("1.5", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_a_failure_describes_itself_with_status_kind_and_detail() -> None:
    failure = FetchFailure(FailureKind.CLIENT_ERROR, status=404, detail="Not Found")

    assert failure.describe() == "HTTP 404 refused (4xx): Not Found"
    assert FetchFailure(FailureKind.TIMEOUT).describe() == "timeout"
