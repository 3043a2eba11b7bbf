"""Lambda's asynchronous invocation (``InvocationType: Event``): queued, run in the background,
a function error retried twice more after a delay, every attempt logged.

AWS waits about one minute before the first retry and two before the second; locally the delays
are short and configurable. Events still queued or waiting for a retry when the stack stops are
dropped, and that is logged too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final, Protocol

from strongroom.local.specs import InvocationResult

DEFAULT_RETRY_DELAYS: Final = (1.0, 2.0)
"""Seconds before the first and the second retry (AWS: about 60 and 120)."""
DEFAULT_WORKERS: Final = 4


class EventInvoker(Protocol):
    def invoke(self, function_name: str, event: Any) -> InvocationResult: ...


class EventInvocations:
    """A queue of Event invocations run by a few background threads."""

    def __init__(
        self,
        invoker: EventInvoker,
        *,
        log: Callable[[str], None],
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        if any(delay < 0 for delay in retry_delays):
            raise ValueError(f"retry delays cannot be negative: {retry_delays}")
        self._invoker = invoker
        self._log = log
        self._retry_delays = tuple(retry_delays)
        self._stopping = threading.Event()
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="lambda-event")

    def submit(self, function: str, event: Any, request_id: str) -> None:
        """Queue one invocation; returns at once."""
        self._executor.submit(self._run_logging_surprises, function, event, request_id)

    def _run_logging_surprises(self, function: str, event: Any, request_id: str) -> None:
        try:
            self._run(function, event, request_id)
        except Exception as error:  # a pool thread would swallow it silently
            self._log(f"invoke (Event {request_id}) -> {function} failed: {error!r}")

    def _run(self, function: str, event: Any, request_id: str) -> None:
        attempts = len(self._retry_delays) + 1
        for attempt in range(1, attempts + 1):
            if self._stopping.is_set():
                self._log(f"invoke (Event {request_id}) -> {function} dropped: the stack stopped")
                return
            started = time.perf_counter()
            result = self._invoker.invoke(function, event)
            elapsed_ms = (time.perf_counter() - started) * 1000
            prefix = f"invoke (Event {request_id}) -> {result.function_name}"
            if result.error is None:
                self._log(f"{prefix} ok ({elapsed_ms:.0f} ms, attempt {attempt} of {attempts})")
                return
            outcome = f"{prefix} error {result.error.error_type} ({elapsed_ms:.0f} ms"
            if attempt == attempts:
                self._log(f"{outcome}, attempt {attempt} of {attempts}): given up")
                return
            delay = self._retry_delays[attempt - 1]
            self._log(f"{outcome}, attempt {attempt} of {attempts}): retry in {delay:g} s")
            self._stopping.wait(delay)

    def close(self) -> None:
        """Stop retrying, drop (and log) what is queued, wait for invocations already running."""
        self._stopping.set()
        self._executor.shutdown(wait=True)
