"""What the DEX stand-in saw: requests, statuses, concurrency and retries sent too early.

An *early retry* is a trigger call for a (clientId, triggerDate) pair that arrives before the
``Retry-After`` of that pair's previous 429 has passed: a well-behaved client makes none.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

MAX_EARLY_RETRY_EXAMPLES = 10
Pair = tuple[int, str]


class DexStats:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._statuses: Counter[int] = Counter()
        self._not_before: dict[Pair, float] = {}
        self._attempts: Counter[Pair] = Counter()
        self._early_examples: list[dict[str, Any]] = []
        self._early_retries = 0
        self._tokens_issued = 0
        self._in_flight = 0
        self._max_in_flight = 0

    def request(self, path: str) -> None:
        with self._lock:
            self._requests[path] += 1

    def status(self, status: int) -> None:
        with self._lock:
            self._statuses[status] += 1

    def token_issued(self) -> None:
        with self._lock:
            self._tokens_issued += 1

    def trigger_started(self, pair: Pair) -> int:
        """Count a trigger call in flight; return how many calls the pair made before it."""
        now = self._clock()
        with self._lock:
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            attempt = self._attempts[pair]
            self._attempts[pair] += 1
            not_before = self._not_before.get(pair)
            if not_before is not None and now < not_before:
                self._early_retries += 1
                if len(self._early_examples) < MAX_EARLY_RETRY_EXAMPLES:
                    self._early_examples.append(
                        {
                            "client_id": pair[0],
                            "trigger_date": pair[1],
                            "early_by_ms": round((not_before - now) * 1000, 1),
                        }
                    )
        return attempt

    def trigger_finished(self, pair: Pair, retry_after_seconds: int | None) -> None:
        """The call is answered; a 429's ``Retry-After`` starts counting now."""
        now = self._clock()
        with self._lock:
            self._in_flight -= 1
            if retry_after_seconds is not None:
                self._not_before[pair] = now + retry_after_seconds

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(sorted(self._requests.items())),
                "statuses": {str(code): n for code, n in sorted(self._statuses.items())},
                "tokens_issued": self._tokens_issued,
                "in_flight_triggers": self._in_flight,
                "max_concurrent_triggers": self._max_in_flight,
                "early_retries": self._early_retries,
                "early_retry_examples": list(self._early_examples),
            }

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._statuses.clear()
            self._not_before.clear()
            self._attempts.clear()
            self._early_examples.clear()
            self._early_retries = 0
            self._tokens_issued = 0
            self._max_in_flight = self._in_flight
