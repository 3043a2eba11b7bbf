"""Starting an archive job: record it, then submit its planner Batch job.

The API and the monthly cron share this, so a job starts the same way whoever asks. The record
is written before the submit, so a job that Batch refuses still has a record: FAILED, with
Batch's reason, where the caller and operators can read it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import Field

from strongroom.core.observability import logger
from strongroom.core.settings import EnvironmentSettings
from strongroom.core.timefmt import utc_now
from strongroom.deep_archive.adapters.item_codec import to_millis
from strongroom.deep_archive.adapters.job_launcher import (
    BatchJobLauncher,
    JobLauncher,
    LaunchFailed,
)
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore, JobStore
from strongroom.deep_archive.adapters.project_store import DynamoDBProjectStore, ProjectStore
from strongroom.deep_archive.domain.intake import Deployment
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.names import AccountId, Region


def new_job_id() -> str:
    return str(uuid.uuid4())


def status_url(job_id: str) -> str:
    return f"/jobs/{job_id}"


@dataclass(frozen=True)
class ControlPlane:
    """What starting and reading jobs needs; tests build one from the in-memory fakes."""

    projects: ProjectStore
    jobs: JobStore
    launcher: JobLauncher
    deployment: Deployment
    clock: Callable[[], datetime] = field(default=utc_now)
    new_job_id: Callable[[], str] = field(default=new_job_id)


class DeploymentSettings(EnvironmentSettings):
    """The account and region this service runs in, from the function's environment."""

    region: Region = Field(alias="AWS_REGION")
    account_id: AccountId = Field(alias="DEPLOYMENT_ACCOUNT_ID")

    def deployment(self) -> Deployment:
        return Deployment(region=self.region, account_id=self.account_id)


def control_plane_from_environment() -> ControlPlane:
    """The DynamoDB stores and the Batch launcher named by the function's environment."""
    return ControlPlane(
        projects=DynamoDBProjectStore.from_environment(),
        jobs=DynamoDBJobStore.from_environment(),
        launcher=BatchJobLauncher.from_environment(),
        deployment=DeploymentSettings.from_environment().deployment(),
    )


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


def start_job(plane: ControlPlane, settings: JobSettings) -> JobRecord:
    """Record a SUBMITTED job for ``settings`` and submit its planner; the record as created.

    Raises RunInProgress if a job of the same run key is still running, including one that a
    simultaneous request claimed a moment ago (the claim is a conditional write).
    """
    run_key = settings.run_key
    latest = plane.jobs.latest_for_run_key(run_key)
    if latest is not None and not latest.status.finished:
        raise RunInProgress(latest.job_id, run_key, latest.status)
    holder_id = plane.jobs.run_holder(run_key)
    holder = None if holder_id is None else plane.jobs.get(holder_id)
    if holder is not None and not holder.status.finished:
        raise RunInProgress(holder.job_id, run_key, holder.status)
    job_id = plane.new_job_id()
    if not plane.jobs.claim_run(run_key, job_id, replacing=holder_id):
        winner = plane.jobs.run_holder(run_key) or "another job"
        raise RunInProgress(winner, run_key, JobStatus.SUBMITTED)
    now = to_millis(plane.clock())
    record = JobRecord(
        job_id=job_id,
        settings=settings,
        status=JobStatus.SUBMITTED,
        created_at=now,
        updated_at=now,
    )
    plane.jobs.create(record)
    try:
        batch_job_id = plane.launcher.submit(record.job_id)
    except LaunchFailed as failure:
        plane.jobs.set_status(
            record.job_id,
            JobStatus.FAILED,
            allowed_from={JobStatus.SUBMITTED},
            reason=f"the planner Batch job was not submitted: {failure.reason}",
        )
        raise JobNotLaunched(record.job_id, failure) from failure
    try:
        plane.jobs.add_batch_job_id(record.job_id, batch_job_id)
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
