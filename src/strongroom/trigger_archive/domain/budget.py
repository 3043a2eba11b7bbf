"""The run's time budget: Lambda's remaining time less a safety margin.

No client is started, and no retry pause begins, that could not end inside the budget; the
margin leaves time for in-flight clients to finish and for the run report to be written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TimeBudget:
    remaining_ms: Callable[[], int]
    """Lambda's ``context.get_remaining_time_in_millis``."""
    margin_s: float

    def seconds_left(self) -> float:
        """Seconds until the run must stop starting work (negative once past)."""
        return self.remaining_ms() / 1000 - self.margin_s

    def allows_start(self) -> bool:
        return self.seconds_left() > 0


UNLIMITED = TimeBudget(remaining_ms=lambda: 2**62, margin_s=0)
"""For runs outside Lambda with no deadline (a CLI backfill)."""
