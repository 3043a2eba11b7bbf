"""Archive jobs: start one (record it, then submit its planner Batch job), or read one.

The API and the monthly cron share this, so a job starts the same way whoever asks. The record
is written before the submit, so a job that Batch refuses still has a record: FAILED, with
Batch's reason, where the caller and operators can read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus

from aws_lambda_powertools.metrics import MetricUnit

from strongroom.core.http_errors import ApiError
from strongroom.core.observability import logger, metrics
from strongroom.deep_archive.adapters.item_codec import to_millis
from strongroom.deep_archive.adapters.job_launcher import LaunchFailed
from strongroom.deep_archive.domain.intake import (
    IntakeError,
    ProjectNotRegistered,
    SourceNotRegistered,
    resolve,
)
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.domain.storage import UnsupportedStorageClassError
from strongroom.deep_archive.services.ports import Ports

RETRY_AFTER_SECONDS = 30
"""When a caller may try again after Batch was unavailable."""


def status_url(job_id: str) -> str:
    return f"/jobs/{job_id}"


class JobNotLaunched(ApiError):
    """The job was recorded but Batch refused its planner job; the record now says FAILED."""

    def __init__(self, job_id: str, failure: LaunchFailed) -> None:
        super().__init__(
            f"job {job_id} was not started: {failure.reason}",
            status=HTTPStatus.SERVICE_UNAVAILABLE if failure.transient else HTTPStatus.BAD_GATEWAY,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)} if failure.transient else None,
            job_id=job_id,
            status_url=status_url(job_id),
            reason=failure.reason,
        )
        self.job_id = job_id
        self.failure = failure


class RunInProgress(ApiError):
    """Another job is archiving the same project, bucket and prefix."""

    def __init__(self, job_id: str, run_key: str, job_status: JobStatus) -> None:
        super().__init__(
            f"job {job_id} is already archiving {run_key!r} ({job_status.value}); "
            "wait for it to finish",
            status=HTTPStatus.CONFLICT,
        )
        self.job_id = job_id
        self.run_key = run_key
        self.job_status = job_status
        # The body's "status" is the job's, which ApiError's keywords cannot carry.
        self.details = {
            "run_key": run_key,
            "job_id": job_id,
            "status": job_status.value,
            "status_url": status_url(job_id),
        }


class UnknownJob(ApiError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no archive job {job_id!r}", status=HTTPStatus.NOT_FOUND, job_id=job_id)
        self.job_id = job_id


@contextmanager
def refusals_counted() -> Iterator[None]:
    """Count each archive request refused for what it asked (operators watch the rate)."""
    try:
        yield
    except (IntakeError, UnsupportedStorageClassError, RunInProgress) as refusal:
        if isinstance(refusal, ProjectNotRegistered):
            logger.info("archive refused: project not registered", project=refusal.project)
        elif isinstance(refusal, SourceNotRegistered):
            logger.info(
                "archive refused: source not registered",
                project=refusal.project,
                bucket=refusal.bucket,
                prefix=refusal.prefix,
            )
        metrics.add_metric(name="ArchiveRequestsRefused", unit=MetricUnit.Count, value=1)
        raise


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
    try:
        ports.jobs.create(record)
    except BaseException:
        _release(ports, run_key, job_id)
        raise
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
    except BaseException as error:
        # Not a refusal we know: record it, so the SUBMITTED job does not hold the run forever.
        _record_unexpected_failure(ports, record.job_id, error)
        raise
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


def _release(ports: Ports, run_key: str, job_id: str) -> None:
    """Give up the claim of a job that was never recorded (the original error is raised)."""
    try:
        ports.jobs.release_run(run_key, job_id)
    except Exception:
        logger.exception("run claim not released", run_key=run_key, job_id=job_id)


def _record_unexpected_failure(ports: Ports, job_id: str, error: BaseException) -> None:
    try:
        ports.jobs.set_status(
            job_id,
            JobStatus.FAILED,
            allowed_from={JobStatus.SUBMITTED},
            reason=f"the planner Batch job was not submitted: {type(error).__name__}",
        )
    except Exception:
        logger.exception("failed job not recorded", job_id=job_id)


def request_archive(ports: Ports, request: ArchiveRequest) -> JobRecord:
    """Start the job ``request`` asks for, on the project's registered terms."""
    with refusals_counted():
        project = ports.projects.get(request.project_name)
        settings = resolve(request, project, ports.deployment, trigger="api")
        try:
            return start_job(ports, settings)
        except JobNotLaunched as error:
            metrics.add_metric(name="ArchiveJobsNotLaunched", unit=MetricUnit.Count, value=1)
            logger.error(
                "planner job not submitted", job_id=error.job_id, reason=error.failure.reason
            )
            raise


def find_job(ports: Ports, job_id: str) -> JobRecord:
    record = ports.jobs.get(job_id)
    if record is None:
        raise UnknownJob(job_id)
    return record
