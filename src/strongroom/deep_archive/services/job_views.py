"""What the archive routes answer: a started job, a job's state, and each refusal's body."""

from __future__ import annotations

from pydantic import BaseModel

from strongroom.deep_archive.domain.job_records import JobCounts, JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.projects import SourceLocation
from strongroom.deep_archive.services.responses import Problem, Timestamp


class JobAccepted(BaseModel):
    """The 202 body: the job is recorded and its planner submitted to Batch."""

    job_id: str
    status: JobStatus
    status_url: str


class JobView(BaseModel):
    """A job as ``GET /jobs/{job_id}`` shows it."""

    job_id: str
    status: JobStatus
    status_reason: str | None
    run_key: str
    settings: JobSettings
    counts: JobCounts
    archives: list[str]
    errors: list[str]
    errors_truncated: int
    estimate: dict[str, object] | None
    batch_job_ids: list[str]
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, record: JobRecord) -> JobView:
        """Every field of the record as it is, plus its run key."""
        return cls(run_key=record.settings.run_key, **dict(record))


class StorageClassProblem(Problem):
    field: str = "storage_class"
    given: str
    allowed: list[str]


class NotRegisteredProblem(Problem):
    project: str
    bucket: str | None = None
    prefix: str | None = None
    registered: list[SourceLocation] | None = None


class ScopeProblem(Problem):
    """The token lacks a scope the request needs (core.http_errors.MissingScopes)."""

    missing_scopes: list[str]


class RunningProblem(Problem):
    run_key: str
    job_id: str
    status: JobStatus
    status_url: str


class NotLaunchedProblem(Problem):
    job_id: str
    status_url: str
    reason: str


class UnknownJobProblem(Problem):
    job_id: str
