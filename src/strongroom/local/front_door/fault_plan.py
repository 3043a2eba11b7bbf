"""A fault configuration in force: decides each call's fault and counts, per rule, what it saw.

Rules are read in order. Every rule covering the call sees it (and counts a retry when the SDK
says it is one); a chosen delay adds up and reading goes on; the first chosen error answers the
call and ends the reading. Thread-safe; no I/O.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from strongroom.local.front_door.fault_rules import FaultConfig, FaultError, FaultRule, chosen


@dataclass(frozen=True)
class Decision:
    delay_ms: int = 0
    error: FaultError | None = None
    after: bool = False
    """The error replaces the answer of a call that took effect."""

    @property
    def any(self) -> bool:
        return self.delay_ms > 0 or self.error is not None


NO_FAULT = Decision()


@dataclass
class RuleCounters:
    seen: int = 0
    """Calls the rule covered."""
    retries: int = 0
    """Of those, the SDK's retries (attempt 2 or later)."""
    faulted: int = 0
    """Calls the rule answered with its error."""
    delayed: int = 0


class FaultPlan:
    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._counters = [RuleCounters() for _ in config.rules]
        self._lock = threading.Lock()

    def decide(
        self, service: str, operation: str, attempt: int = 1, principal: str = ""
    ) -> Decision:
        """``principal``: the function or job definition that signed the call (``""``: unnamed)."""
        delay_ms = 0
        with self._lock:
            for index, rule in enumerate(self.config.rules):
                if not rule.covers(service, operation, principal):
                    continue
                counters = self._counters[index]
                counters.seen += 1
                counters.retries += attempt > 1
                if not self._chosen(index, rule, counters):
                    continue
                if rule.delay_ms:
                    counters.delayed += 1
                    delay_ms += rule.delay_ms
                if rule.error is not None:
                    counters.faulted += 1
                    return Decision(delay_ms, rule.error, rule.phase == "after")
        return Decision(delay_ms) if delay_ms else NO_FAULT

    def _chosen(self, index: int, rule: FaultRule, counters: RuleCounters) -> bool:
        capped = rule.error is not None and rule.max_faults is not None
        if capped and counters.faulted >= (rule.max_faults or 0):
            return False
        return chosen(self.config.seed, index, counters.seen, rule.fraction)

    def status(self) -> dict[str, Any]:
        """The configuration with each rule's counters, as ``GET /faults`` shows it."""
        with self._lock:
            rules = [
                {**rule.model_dump(mode="json"), **vars(counters)}
                for rule, counters in zip(self.config.rules, self._counters, strict=True)
            ]
        return {"seed": self.config.seed, "rules": rules}
