"""Event sources deliver asynchronously: tests and benchmarks wait for an outcome, in a bound."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(probe: Callable[[], T | None], *, timeout: float = 30.0, interval: float = 0.2) -> T:
    """Return the first truthy value of ``probe``; fail with the last value after ``timeout``."""
    deadline = time.monotonic() + timeout
    value = probe()
    while not value:
        if time.monotonic() > deadline:
            name = getattr(probe, "__name__", "condition")
            raise AssertionError(f"{name} not met within {timeout}s (last value: {value!r})")
        time.sleep(interval)
        value = probe()
    return value
