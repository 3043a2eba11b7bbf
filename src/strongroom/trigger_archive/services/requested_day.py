"""What an invocation asks for: the day (from its event, decided once) and, optionally, the
clients to re-run; the run fails outright when nothing could be archived."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from strongroom.trigger_archive.domain import (
    ArchiveRequest,
    ArchiveRunFailed,
    RunResult,
    TimeBudget,
    resolve_trigger_date,
)
from strongroom.trigger_archive.services.archive_run import ProgressHook, RunPorts, archive_run


@dataclass(frozen=True)
class RunSettings:
    timezone: ZoneInfo
    max_concurrency: int


def run_id_for(started_at: datetime, request_id: str) -> str:
    """Sortable within a day's reports, unique per invocation: ``20261203T203000Z-<request id>``."""
    return f"{started_at:%Y%m%dT%H%M%SZ}-{request_id}"


def archive_requested_day(
    request: ArchiveRequest,
    *,
    open_ports: Callable[[], AbstractContextManager[RunPorts]],
    settings: RunSettings,
    started_at: datetime,
    run_id: str,
    budget: TimeBudget,
    progress: ProgressHook | None = None,
) -> RunResult:
    """Run the archive for the requested day; raise :class:`ArchiveRunFailed` (after the run
    report is written) when clients were selected and none of them is archived."""
    trigger_date = resolve_trigger_date(request, timezone=settings.timezone, now=started_at)
    with open_ports() as ports:
        result = archive_run(
            ports,
            trigger_date=trigger_date,
            run_id=run_id,
            budget=budget,
            max_concurrency=settings.max_concurrency,
            client_ids=request.client_ids,
            progress=progress,
        )
    if result.nothing_archived:
        raise ArchiveRunFailed(result)
    return result
