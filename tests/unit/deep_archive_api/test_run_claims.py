"""Two requests for the same prefix at once start one job: the run claim is the tie-breaker."""

from __future__ import annotations

import pytest

from strongroom.deep_archive.adapters.in_memory_job_launcher import RecordingJobLauncher
from strongroom.deep_archive.adapters.in_memory_jobs import InMemoryJobStore
from strongroom.deep_archive.domain.job_records import JobRecord, JobStatus
from strongroom.deep_archive.services.archive_jobs import RunInProgress, start_job
from tests.unit.deep_archive_api.support import Clock, fakes, finance_project, job_settings


class RacedJobStore(InMemoryJobStore):
    """A store in which another request claims the run between our read and our claim."""

    def __init__(self, rival_job_id: str) -> None:
        super().__init__(clock=Clock())
        self.rival_job_id = rival_job_id

    def claim_run(self, run_key: str, job_id: str, *, replacing: str | None) -> bool:
        super().claim_run(run_key, self.rival_job_id, replacing=replacing)
        return super().claim_run(run_key, job_id, replacing=replacing)


def test_the_request_that_loses_the_claim_is_refused_and_starts_nothing() -> None:
    bound = fakes(finance_project())
    raced = RacedJobStore(rival_job_id="rival")
    ports = bound.ports
    ports.jobs = raced

    with pytest.raises(RunInProgress) as refused:
        start_job(ports, job_settings())

    assert refused.value.job_id == "rival"
    assert raced.jobs() == []
    assert bound.launcher.submissions == []


def test_a_new_job_takes_the_claim_over_once_the_holder_finished() -> None:
    bound = fakes(finance_project())
    first = start_job(bound.ports, job_settings())
    with pytest.raises(RunInProgress):
        start_job(bound.ports, job_settings())
    bound.jobs.set_status(first.job_id, JobStatus.SUCCEEDED, allowed_from={JobStatus.SUBMITTED})

    second = start_job(bound.ports, job_settings())

    assert bound.jobs.run_holder(job_settings().run_key) == second.job_id
    assert [job.job_id for job in bound.jobs.jobs()] == [first.job_id, second.job_id]


def test_a_claim_whose_job_was_never_recorded_does_not_block_the_prefix() -> None:
    bound = fakes(finance_project())
    assert bound.jobs.claim_run(job_settings().run_key, "crashed-before-create", replacing=None)

    started = start_job(bound.ports, job_settings())

    assert bound.jobs.run_holder(job_settings().run_key) == started.job_id


class UnwritableJobStore(InMemoryJobStore):
    """A Jobs table that refuses the job record after the claim was written."""

    def create(self, record: JobRecord) -> None:
        raise RuntimeError("the job record could not be written")


def test_a_job_record_that_cannot_be_written_releases_the_claim() -> None:
    bound = fakes(finance_project())
    store = UnwritableJobStore(clock=Clock())
    bound.ports.jobs = store

    with pytest.raises(RuntimeError, match="could not be written"):
        start_job(bound.ports, job_settings())

    assert store.run_holder(job_settings().run_key) is None
    assert bound.launcher.submissions == []


class BrokenLauncher(RecordingJobLauncher):
    def submit(self, job_id: str, *, array_size: int | None = None) -> str:
        raise RuntimeError("unexpected answer from Batch")


def test_an_unexpected_submit_failure_records_the_job_failed_so_it_does_not_block() -> None:
    bound = fakes(finance_project())
    bound.ports.launcher = BrokenLauncher()

    with pytest.raises(RuntimeError, match="unexpected answer"):
        start_job(bound.ports, job_settings())

    (job,) = bound.jobs.jobs()
    assert job.status is JobStatus.FAILED
    assert "RuntimeError" in (job.status_reason or "")
    bound.ports.launcher = bound.launcher
    assert start_job(bound.ports, job_settings()).status is JobStatus.SUBMITTED
