"""What code outside trigger_archive (the CLI, its local seed data) may import: nothing else of it.

The import contracts in .importlinter keep the rest of the package private to it.
"""

from __future__ import annotations

from strongroom.trigger_archive.domain.keys import (
    ARCHIVE_PREFIX,
    RUN_REPORT_PREFIX,
    archive_key,
    run_report_key,
)
from strongroom.trigger_archive.domain.outcomes import ClientError, Outcome, RunResult
from strongroom.trigger_archive.domain.trigger_dates import (
    MAX_BACKFILL_DAYS,
    ArchiveRequest,
    date_range,
)

__all__ = [
    "ARCHIVE_PREFIX",
    "MAX_BACKFILL_DAYS",
    "RUN_REPORT_PREFIX",
    "ArchiveRequest",
    "ClientError",
    "Outcome",
    "RunResult",
    "archive_key",
    "date_range",
    "run_report_key",
]
