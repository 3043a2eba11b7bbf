"""trigger_archive's use cases: an archive run, and the day an invocation asks for."""

from strongroom.trigger_archive.services.archive_run import (
    ClientDone,
    ProgressHook,
    RunPorts,
    archive_run,
)
from strongroom.trigger_archive.services.requested_day import (
    RunSettings,
    archive_requested_day,
    run_id_for,
)

__all__ = [
    "ClientDone",
    "ProgressHook",
    "RunPorts",
    "RunSettings",
    "archive_requested_day",
    "archive_run",
    "run_id_for",
]
