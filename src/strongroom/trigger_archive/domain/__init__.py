"""trigger_archive's formats and rules: pure, no I/O."""

from strongroom.trigger_archive.domain.budget import UNLIMITED, TimeBudget
from strongroom.trigger_archive.domain.clients import Client
from strongroom.trigger_archive.domain.keys import (
    ARCHIVE_PREFIX,
    RUN_REPORT_PREFIX,
    archive_key,
    run_report_key,
)
from strongroom.trigger_archive.domain.outcomes import (
    ArchiveRunFailed,
    ClientError,
    ClientListUnavailable,
    Outcome,
    RunResult,
    RunTally,
)
from strongroom.trigger_archive.domain.retry_policy import (
    FailureKind,
    FetchFailure,
    RetryPolicy,
    failure_for_status,
    parse_retry_after,
)
from strongroom.trigger_archive.domain.trigger_dates import (
    ArchiveRequest,
    InvalidArchiveRequest,
    date_range,
    parse_archive_request,
    resolve_trigger_date,
)

__all__ = [
    "ARCHIVE_PREFIX",
    "RUN_REPORT_PREFIX",
    "UNLIMITED",
    "ArchiveRequest",
    "ArchiveRunFailed",
    "Client",
    "ClientError",
    "ClientListUnavailable",
    "FailureKind",
    "FetchFailure",
    "InvalidArchiveRequest",
    "Outcome",
    "RetryPolicy",
    "RunResult",
    "RunTally",
    "TimeBudget",
    "archive_key",
    "date_range",
    "failure_for_status",
    "parse_archive_request",
    "parse_retry_after",
    "resolve_trigger_date",
    "run_report_key",
]
