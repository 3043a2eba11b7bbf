"""Following a job: fetch until finished, sleeping in between; bars from the job's counts."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from rich.console import Console

from strongroom.cli.archive_watch import JobBody, JobProgress, follow, is_finished
from strongroom.deep_archive.domain.job_records import JobStatus
from tests.unit.cli_archive.support import job_body


class ScriptedJob:
    """Answers each fetch with the next body of a script, as successive GETs would."""

    def __init__(self, *bodies: JobBody) -> None:
        self._bodies: Iterator[JobBody] = iter(bodies)
        self.fetches = 0

    def __call__(self) -> JobBody:
        self.fetches += 1
        return next(self._bodies)


def test_the_job_is_fetched_until_finished_with_a_pause_between_fetches() -> None:
    script = ScriptedJob(
        job_body(JobStatus.SUBMITTED),
        job_body(JobStatus.PLANNING, files_listed=5),
        job_body(JobStatus.PACKING, files_planned=5, files_archived=2),
        job_body(JobStatus.SUCCEEDED, files_planned=5, files_archived=5),
        job_body(JobStatus.FAILED),  # never fetched: the watch stopped at SUCCEEDED
    )
    seen: list[str] = []
    pauses: list[float] = []

    final, _ = follow(
        script,
        lambda body: seen.append(body["status"]),
        is_finished,
        interval=1.5,
        sleep=pauses.append,
    )

    assert final["status"] == "SUCCEEDED"
    assert seen == ["SUBMITTED", "PLANNING", "PACKING", "SUCCEEDED"]
    assert pauses == [1.5, 1.5, 1.5]
    assert script.fetches == 4


def test_a_job_already_finished_is_fetched_once_without_a_pause() -> None:
    pauses: list[float] = []

    final, timed_out = follow(
        ScriptedJob(job_body(JobStatus.PLANNED)), lambda _: None, is_finished, sleep=pauses.append
    )

    assert final["status"] == "PLANNED"
    assert not timed_out
    assert pauses == []


def test_a_failing_fetch_stops_the_watch() -> None:
    def unreachable() -> JobBody:
        raise ConnectionError("no answer")

    with pytest.raises(ConnectionError):
        follow(unreachable, lambda _: None, is_finished, sleep=lambda _: None)


@pytest.mark.parametrize(
    ("status", "finished"),
    [("SUBMITTED", False), ("PACKING", False), ("PLANNED", True), ("FAILED", True), ("?", False)],
)
def test_only_a_final_status_is_finished(status: str, finished: bool) -> None:
    assert is_finished({"status": status}) is finished


def test_the_bars_have_no_total_until_the_job_is_planned() -> None:
    output = io.StringIO()
    with JobProgress(Console(file=output)) as progress:
        progress.update(job_body(JobStatus.PLANNING, files_listed=1_500))
        files, archives = progress.progress.tasks

        assert files.total is None
        assert archives.total is None
        assert "1,500 files listed" in files.fields["status"]


def test_the_bars_count_files_and_archives_done_of_those_planned() -> None:
    output = io.StringIO()
    body = job_body(
        JobStatus.PACKING, files_planned=40, files_archived=25, archives_planned=4, archives_done=2
    )
    with JobProgress(Console(file=output, width=120)) as progress:
        progress.update(body)
        files, archives = progress.progress.tasks

    assert (files.completed, files.total) == (25, 40)
    assert (archives.completed, archives.total) == (2, 4)
    assert "25/40" in output.getvalue()
    assert "2/4" in output.getvalue()
