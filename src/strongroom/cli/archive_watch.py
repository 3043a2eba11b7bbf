"""Follows an archive job or a restore until it finishes, showing its progress as it goes."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from strongroom.deep_archive.public import JobStatus

JobBody = Mapping[str, Any]
DEFAULT_POLL_SECONDS = 2.0
# Before planning ends the totals are unknown: the bars stay indeterminate.
_UNPLANNED = {JobStatus.SUBMITTED, JobStatus.PLANNING}


def is_finished(body: JobBody) -> bool:
    try:
        return JobStatus(str(body.get("status"))).finished
    except ValueError:
        return False


def follow(
    fetch: Callable[[], JobBody],
    on_update: Callable[[JobBody], None],
    finished: Callable[[JobBody], bool],
    *,
    interval: float = DEFAULT_POLL_SECONDS,
    timeout: float = math.inf,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[JobBody, bool]:
    """Fetch until ``finished``; every body seen goes to ``on_update``. Returns the last body
    and whether ``timeout`` seconds ran out first.

    ``fetch`` raises to stop watching (the job or restore itself goes on either way).
    """
    deadline = clock() + timeout
    while True:
        body = fetch()
        on_update(body)
        if finished(body):
            return body, False
        left = deadline - clock()
        if left <= 0:
            return body, True
        sleep(min(interval, left))


class CountBars:
    """Rich progress bars of counted things with a status text, shown while in a ``with``."""

    def __init__(self, console: Console, label: str) -> None:
        self.progress = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
        )

    def __enter__(self) -> Self:
        self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.progress.stop()


class JobProgress(CountBars):
    """Two bars: files archived of files planned, archives done of archives planned."""

    def __init__(self, console: Console) -> None:
        super().__init__(console, "[bold]{task.description:<18}")
        self.files: TaskID = self.progress.add_task("files archived", total=None, status="")
        self.archives: TaskID = self.progress.add_task("archives done", total=None, status="")

    def update(self, body: JobBody) -> None:
        counts = body.get("counts", {})
        status = str(body.get("status", "?"))
        planned = status not in _UNPLANNED
        listed = int(counts.get("files_listed", 0))
        self.progress.update(
            self.files,
            completed=int(counts.get("files_archived", 0)),
            total=int(counts.get("files_planned", 0)) if planned else None,
            status=status if planned else f"{status}, {listed:,} files listed",
        )
        self.progress.update(
            self.archives,
            completed=int(counts.get("archives_done", 0)),
            total=int(counts.get("archives_planned", 0)) if planned else None,
            status=status,
        )
