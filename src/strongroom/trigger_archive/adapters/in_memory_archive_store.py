"""An ArchiveStore with a versioned bucket's semantics, in memory, for unit tests."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime

from strongroom.trigger_archive.domain import Outcome, archive_key


class InMemoryArchiveStore:
    def __init__(self) -> None:
        self.versions: dict[str, list[bytes]] = {}
        """Every version of every object, oldest first."""
        self.reports: dict[str, bytes] = {}
        self.writes = 0
        self._lock = threading.Lock()

    def store(
        self, client_id: int, trigger_date: date, body: bytes, archived_at: datetime
    ) -> Outcome:
        del archived_at
        key = archive_key(client_id, trigger_date)
        with self._lock:
            versions = self.versions.setdefault(key, [])
            if versions and _sha256(versions[-1]) == _sha256(body):
                return Outcome.UNCHANGED
            outcome = Outcome.CHANGED if versions else Outcome.ARCHIVED
            versions.append(bytes(body))
            self.writes += 1
            return outcome

    def write_run_report(self, key: str, report: bytes) -> None:
        with self._lock:
            self.reports[key] = report

    def current(self, client_id: int, trigger_date: date) -> bytes | None:
        versions = self.versions.get(archive_key(client_id, trigger_date))
        return versions[-1] if versions else None


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
