"""Archive jobs: start one (record it, then submit its planner Batch job), or read one.

The API and the monthly cron share this, so a job starts the same way whoever asks. The record
is written before the submit, so a job that Batch refuses still has a record: FAILED, with
Batch's reason, where the caller and operators can read it.
"""

from __future__ import annotations

from strongroom.core.observability import logger
from strongroom.deep_archive.adapters.item_codec import to_millis
from strongroom.deep_archive.adapters.job_launcher import LaunchFailed
from strongroom.deep_archive.domain.intake import resolve
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.services.ports import Ports


def status_url(job_id: str) -> str:
    return f"/jobs/{job_id}"


class JobNotLaunched(Exception):
    """The job was recorded but Batch refused its planner job; the record now says FAILED."""

    def __init__(self, job_id: str, failure: LaunchFailed) -> None:
        super().__init__(f"job {job_id} was not started: {failure.reason}")
        self.job_id = job_id
        self.failure = failure


class RunInProgress(Exception):
    """Another job is archiving the same project, bucket and prefix."""

    def __init__(self, job_id: str, run_key: str, status: JobStatus) -> None:
        super().__init__(
            f"job {job_id} is already archiving {run_key!r} ({status.value}); wait for it to finish"
        )
        self.job_id = job_id
        self.run_key = run_key
        self.status = status


def start_job(ports: Ports, settings: JobSettings) -> JobRecord:
    """Record a SUBMITTED job for ``settings`` and submit its planner; the record as created.

    Raises RunInProgress if a job of the same run key is still running, including one that a
    simultaneous request claimed a moment ago (the claim is a conditional write).
    """
    run_key = settings.run_key
    latest = ports.jobs.latest_for_run_key(run_key)
    if latest is not None and not latest.status.finished:
        raise RunInProgress(latest.job_id, run_key, latest.status)
    holder_id = ports.jobs.run_holder(run_key)
    holder = None if holder_id is None else ports.jobs.get(holder_id)
    if holder is not None and not holder.status.finished:
        raise RunInProgress(holder.job_id, run_key, holder.status)
    job_id = ports.new_job_id()
    if not ports.jobs.claim_run(run_key, job_id, replacing=holder_id):
        winner = ports.jobs.run_holder(run_key) or "another job"
        raise RunInProgress(winner, run_key, JobStatus.SUBMITTED)
    now = to_millis(ports.clock())
    record = JobRecord(
        job_id=job_id,
        settings=settings,
        status=JobStatus.SUBMITTED,
        created_at=now,
        updated_at=now,
    )
    ports.jobs.create(record)
    try:
        batch_job_id = ports.launcher.submit(record.job_id)
    except LaunchFailed as failure:
        ports.jobs.set_status(
            record.job_id,
            JobStatus.FAILED,
            allowed_from={JobStatus.SUBMITTED},
            reason=f"the planner Batch job was not submitted: {failure.reason}",
        )
        raise JobNotLaunched(record.job_id, failure) from failure
    try:
        ports.jobs.add_batch_job_id(record.job_id, batch_job_id)
    except Exception:
        # The job runs regardless; only the cross-reference for operators is missing.
        logger.exception(
            "Batch job id not recorded", job_id=record.job_id, batch_job_id=batch_job_id
        )
    logger.info(
        "archive job started",
        job_id=record.job_id,
        batch_job_id=batch_job_id,
        run_key=settings.run_key,
        trigger=settings.trigger,
    )
    return record.model_copy(update={"batch_job_ids": [batch_job_id]})


class UnknownJob(Exception):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no archive job {job_id!r}")
        self.job_id = job_id


def request_archive(ports: Ports, request: ArchiveRequest) -> JobRecord:
    """Start the job ``request`` asks for, on the project's registered terms."""
    project = ports.projects.get(request.project_name)
    return start_job(ports, resolve(request, project, ports.deployment, trigger="api"))


def find_job(ports: Ports, job_id: str) -> JobRecord:
    record = ports.jobs.get(job_id)
    if record is None:
        raise UnknownJob(job_id)
    return record
