"""Two requests for the same prefix at once start one job: the run claim is the tie-breaker."""

from __future__ import annotations

import pytest

from strongroom.deep_archive.adapters.in_memory_jobs import InMemoryJobStore
from strongroom.deep_archive.domain.job_records import JobStatus
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
