"""Which trigger calls the DEX stand-in answers badly, decided deterministically.

A call's fate depends only on the seed, the (clientId, triggerDate) pair and how many calls
that pair has made before: the same run against the same settings meets the same faults, and
a retry of a refused call rolls again (so retries eventually get through).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from typing import Any

RETRYABLE_ERROR_STATUSES = (500, 503)
ALWAYS_FAILING_STATUS = 500


@dataclass(frozen=True)
class FaultSettings:
    latency_ms: float = 0.0
    """Sleep this long in the request thread before answering each trigger call."""
    rate_limit_fraction: float = 0.0
    """Share of trigger calls answered 429 with ``Retry-After: retry_after_seconds``."""
    retry_after_seconds: int = 1
    error_fraction: float = 0.0
    """Share of trigger calls answered with one of ``error_statuses``."""
    error_statuses: tuple[int, ...] = RETRYABLE_ERROR_STATUSES
    failing_client_ids: frozenset[int] = frozenset()
    """Clients whose every trigger call is answered 500."""
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("rate_limit_fraction", "error_fraction"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.rate_limit_fraction + self.error_fraction > 1.0:
            raise ValueError("rate_limit_fraction + error_fraction must not exceed 1")
        if self.latency_ms < 0:
            raise ValueError(f"latency_ms must not be negative, not {self.latency_ms}")
        if self.retry_after_seconds < 0:
            raise ValueError("retry_after_seconds must not be negative")
        if not self.error_statuses or any(not 500 <= s <= 599 for s in self.error_statuses):
            raise ValueError("error_statuses must be one or more 5xx statuses")

    def changed(self, changes: dict[str, Any]) -> FaultSettings:
        """These settings with ``changes`` applied (JSON-friendly values); unknown names refused."""
        known = {field.name for field in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(unknown)}")
        typed: dict[str, Any] = dict(changes)
        if "failing_client_ids" in typed:
            typed["failing_client_ids"] = frozenset(int(i) for i in typed["failing_client_ids"])
        if "error_statuses" in typed:
            typed["error_statuses"] = tuple(int(s) for s in typed["error_statuses"])
        for name in ("latency_ms", "rate_limit_fraction", "error_fraction"):
            if name in typed:
                typed[name] = float(typed[name])
        for name in ("retry_after_seconds", "seed"):
            if name in typed:
                typed[name] = int(typed[name])
        return replace(self, **typed)

    def as_json(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "rate_limit_fraction": self.rate_limit_fraction,
            "retry_after_seconds": self.retry_after_seconds,
            "error_fraction": self.error_fraction,
            "error_statuses": list(self.error_statuses),
            "failing_client_ids": sorted(self.failing_client_ids),
            "seed": self.seed,
        }


@dataclass(frozen=True)
class Fault:
    status: int
    retry_after_seconds: int | None = None
    reason: str = ""


def choose_fault(
    settings: FaultSettings, client_id: int, trigger_date: str, attempt: int
) -> Fault | None:
    """The fault for a pair's ``attempt``-th call (0 for the first), or None to answer 200."""
    if client_id in settings.failing_client_ids:
        return Fault(ALWAYS_FAILING_STATUS, reason=f"client {client_id} always fails")
    draw = _uniform(settings.seed, client_id, trigger_date, attempt)
    if draw < settings.rate_limit_fraction:
        return Fault(429, settings.retry_after_seconds, "rate limit exceeded")
    if draw < settings.rate_limit_fraction + settings.error_fraction:
        statuses = settings.error_statuses
        status = statuses[int(draw * 1_000_003) % len(statuses)]
        return Fault(status, reason="injected server error")
    return None


def _uniform(seed: int, client_id: int, trigger_date: str, attempt: int) -> float:
    """A number in [0, 1) fixed by the arguments (the first 8 bytes of a SHA-256)."""
    digest = hashlib.sha256(f"{seed}|{client_id}|{trigger_date}|{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
