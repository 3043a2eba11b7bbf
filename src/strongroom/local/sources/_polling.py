"""Background pollers: daemon threads that run one polling step after another until stopped."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

ClientFactory = Callable[[str], Any]
"""Service name -> boto3 client pointed at the emulator."""

InvocationListener = Callable[[str], None]
"""Receives one human-readable line per invocation (the stack prints it)."""

logger = logging.getLogger(__name__)


class PollingThreads:
    """Runs ``step`` on ``count`` daemon threads, as Lambda's pollers serve a mapping.

    ``step`` returns how much work it did. After an idle step the thread waits ``idle_seconds``,
    doubled after each further idle step up to ``max_idle_seconds``, and back to ``idle_seconds``
    once a step finds work. After a failed step it waits ``error_backoff_seconds``, so a broken
    source is retried without spinning.
    """

    def __init__(
        self,
        name: str,
        step: Callable[[], int],
        *,
        count: int = 1,
        idle_seconds: float = 0.0,
        max_idle_seconds: float | None = None,
        error_backoff_seconds: float = 1.0,
    ) -> None:
        self._name = name
        self._step = step
        self._count = count
        self._idle_seconds = idle_seconds
        self._max_idle_seconds = max(idle_seconds, max_idle_seconds or idle_seconds)
        self._error_backoff_seconds = error_backoff_seconds
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start(self) -> None:
        if any(thread.is_alive() for thread in self._threads):
            return
        self._stopping.clear()
        self._threads = [
            threading.Thread(target=self._run, name=f"{self._name}-{index}", daemon=True)
            for index in range(self._count)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float) -> None:
        """Asks every thread to finish its current step and waits at most ``timeout`` in total."""
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        still_running = [thread.name for thread in self._threads if thread.is_alive()]
        if still_running:
            logger.warning("pollers still finishing a step after %.1fs: %s", timeout, still_running)

    def wait(self, seconds: float) -> bool:
        """Sleeps up to ``seconds``; returns early (True) when a stop was requested."""
        return self._stopping.wait(seconds)

    def _run(self) -> None:
        idle_wait = self._idle_seconds
        while not self._stopping.is_set():
            try:
                handled = self._step()
            except Exception as error:  # a poller outlives any one failure, as Lambda's does
                logger.warning("%s: polling failed, retrying: %s", self._name, error, exc_info=True)
                self._stopping.wait(self._error_backoff_seconds)
                continue
            if handled:
                idle_wait = self._idle_seconds
            elif idle_wait > 0:
                self._stopping.wait(idle_wait)
                idle_wait = min(idle_wait * 2, self._max_idle_seconds)


def record_count(count: int) -> str:
    """``1 record``, ``10 records``: for invocation lines."""
    return f"{count} record" if count == 1 else f"{count} records"
