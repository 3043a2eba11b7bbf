"""Shard iterators expire 15 minutes after they are issued, as on AWS.

moto keeps every DynamoDB Streams iterator it ever hands out (about 1.7 KB each); a stream
poller asks for a new one with every read, so a long-running ``strongroom up`` would grow
without bound. This sweeper forgets iterators older than AWS's lifetime; pollers only ever
hold the newest one, so nothing in use is touched.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, MutableMapping
from typing import Any

ITERATOR_LIFETIME_SECONDS = 15 * 60
SWEEP_INTERVAL_SECONDS = 60.0


def moto_iterator_tables() -> list[MutableMapping[str, Any]]:
    """The iterator dictionaries of every account and region moto has created."""
    from moto.dynamodbstreams.models import dynamodbstreams_backends  # noqa: PLC0415

    return [
        backend.shard_iterators
        for regions in list(dynamodbstreams_backends.values())
        for backend in list(regions.values())
    ]


class IteratorExpiry:
    def __init__(
        self,
        tables: Callable[[], list[MutableMapping[str, Any]]] = moto_iterator_tables,
        *,
        lifetime_seconds: float = ITERATOR_LIFETIME_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._tables = tables
        self._lifetime = lifetime_seconds
        self._clock = clock
        self._first_seen: dict[str, float] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def sweep(self) -> int:
        """Forget iterators first seen more than a lifetime ago; returns how many went."""
        now = self._clock()
        live: set[str] = set()
        expired = 0
        for table in self._tables():
            for arn in list(table):
                live.add(arn)
                if now - self._first_seen.setdefault(arn, now) > self._lifetime:
                    table.pop(arn, None)
                    live.discard(arn)
                    expired += 1
        self._first_seen = {arn: seen for arn, seen in self._first_seen.items() if arn in live}
        return expired

    def start(self, interval_seconds: float = SWEEP_INTERVAL_SECONDS) -> None:
        def run() -> None:
            while not self._stopping.wait(interval_seconds):
                self.sweep()

        self._thread = threading.Thread(target=run, name="iterator-expiry", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
