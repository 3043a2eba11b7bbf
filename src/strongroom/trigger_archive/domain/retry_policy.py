"""When a call to the DEX API is tried again, and after how long.

Retried: connection errors, timeouts, 429 and 5xx (the next attempt may succeed). Failed at
once: any other 4xx (the request itself is wrong), a 200 whose body is not JSON. A ``Retry-After``
(seconds or an HTTP date) is honoured as given; otherwise the pause grows exponentially with
jitter. No pause ever ends past the run's time budget: the client fails instead.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum


class FailureKind(StrEnum):
    CONNECTION = "connection error"
    TIMEOUT = "timeout"
    THROTTLED = "throttled (429)"
    SERVER_ERROR = "server error (5xx)"
    UNAUTHORIZED = "unauthorized (401)"
    CLIENT_ERROR = "refused (4xx)"
    NOT_JSON = "response is not JSON"


RETRYABLE = frozenset(
    {FailureKind.CONNECTION, FailureKind.TIMEOUT, FailureKind.THROTTLED, FailureKind.SERVER_ERROR}
)


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """Why one call failed; ``retry_after_s`` is the server's ``Retry-After``, if it sent one."""

    kind: FailureKind
    status: int | None = None
    detail: str = ""
    retry_after_s: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    def describe(self) -> str:
        status = f"HTTP {self.status} " if self.status is not None else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{status}{self.kind.value}{detail}"


def failure_for_status(status: int) -> FailureKind | None:
    """What an HTTP status means for the call; ``None`` for a success (2xx)."""
    if 200 <= status < 300:
        return None
    if status == 429:
        return FailureKind.THROTTLED
    if status == 401:
        return FailureKind.UNAUTHORIZED
    if status >= 500:
        return FailureKind.SERVER_ERROR
    return FailureKind.CLIENT_ERROR


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or HTTP-date), ``None`` when
    absent or unreadable. A date in the past means no wait."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``max_attempts`` calls per client; pauses ``initial * base**(n-1)`` capped at
    ``wait_max_s``, plus up to ``wait_jitter_s`` of random jitter."""

    max_attempts: int = 5
    wait_initial_s: float = 0.5
    wait_max_s: float = 20.0
    wait_jitter_s: float = 1.0
    wait_exp_base: float = 2.0
    jitter: Callable[[float, float], float] = field(default=random.uniform, compare=False)

    def backoff_s(self, retry_number: int) -> float:
        """The pause before retry ``retry_number`` (1 for the first retry) without a hint."""
        exponential = self.wait_initial_s * self.wait_exp_base ** (retry_number - 1)
        ceiling = min(self.wait_max_s, exponential)
        return ceiling + self.jitter(0.0, self.wait_jitter_s)

    def wait_before_retry(
        self, failure: FetchFailure, *, retry_number: int, seconds_left: float
    ) -> float | None:
        """How long to pause before trying again, or ``None`` to give up now: the failure is
        not transient, the attempts are spent, or the pause would outlast the time budget."""
        if not failure.retryable or retry_number >= self.max_attempts:
            return None
        wait = (
            failure.retry_after_s
            if failure.retry_after_s is not None
            else self.backoff_s(retry_number)
        )
        if wait >= seconds_left:
            return None
        return wait
