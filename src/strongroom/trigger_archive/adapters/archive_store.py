"""The port trigger responses and run reports are written through."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from strongroom.trigger_archive.domain import Outcome


class ArchiveStore(Protocol):
    def store(
        self, client_id: int, trigger_date: date, body: bytes, archived_at: datetime
    ) -> Outcome:
        """Keep ``body`` as the client's response for the date: ``ARCHIVED`` when there was none,
        ``UNCHANGED`` (nothing written) when the same bytes are there, ``CHANGED`` when they
        differ (a new version of the object; the old one stays as a noncurrent version)."""
        ...

    def write_run_report(self, key: str, report: bytes) -> None: ...
