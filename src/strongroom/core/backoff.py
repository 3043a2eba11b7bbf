"""Full-jitter exponential backoff for the retries a system makes itself (conflicts, throttling)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    """At most ``max_attempts`` tries, each pause random below a doubling, capped ceiling."""

    max_attempts: int = 8
    base_delay_seconds: float = 0.05
    max_delay_seconds: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    jitter: Callable[[float, float], float] = field(default=random.uniform, compare=False)

    def pause(self, attempt: int) -> None:
        """Wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (attempt - 1))
        self.sleep(self.jitter(0.0, ceiling))
