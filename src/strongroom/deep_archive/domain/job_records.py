"""An archive job: what was asked, where it stands, and what it produced.

``run_key`` names what a job archives (project, bucket, prefix): the monthly cron skips a run
key that already has a succeeded job, whoever started it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from strongroom.deep_archive.domain.storage import ArchiveStorageClass


class JobStatus(StrEnum):
    SUBMITTED = "SUBMITTED"  # accepted by the API, the planner job is queued
    PLANNING = "PLANNING"  # listing the source and grouping files into archives
    PACKING = "PACKING"  # archives being written
    PLANNED = "PLANNED"  # dry run: plan and estimate ready, nothing archived
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"

    @property
    def finished(self) -> bool:
        return self in {JobStatus.PLANNED, JobStatus.SUCCEEDED, JobStatus.FAILED}


class JobSettings(BaseModel):
    """The request resolved against its project: everything the packer needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    project: str
    bucket: str
    prefix: str
    output_prefix: str
    storage_class: ArchiveStorageClass
    max_files: int
    max_bytes: int
    expected_files: int | None = None
    expected_bytes: int | None = None
    delete_source: bool = False
    dry_run: bool = False
    workers: int = 1
    inventory_manifest: str | None = Field(
        default=None, description="s3://bucket/key of an S3 Inventory CSV listing the source."
    )
    trigger: str = "api"

    @property
    def run_key(self) -> str:
        return f"{self.project}#{self.bucket}#{self.prefix}"


class JobCounts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files_listed: int = 0
    files_skipped_unchanged: int = 0
    files_planned: int = 0
    bytes_planned: int = 0
    archives_planned: int = 0
    files_archived: int = 0
    bytes_archived: int = 0
    archive_bytes: int = 0
    archives_done: int = 0
    files_failed: int = 0
    sources_deleted: int = 0


class JobRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_id: str
    settings: JobSettings
    status: JobStatus
    created_at: datetime
    updated_at: datetime
    counts: JobCounts = Field(default_factory=JobCounts)
    archives: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    errors_truncated: int = Field(
        default=0, ge=0, description="Errors not kept because the list was full."
    )
    status_reason: str | None = Field(
        default=None, description="Why the job is in its status (e.g. why it failed)."
    )
    batch_job_ids: list[str] = Field(default_factory=list)
    estimate: dict[str, object] | None = None


class ArchiveState(StrEnum):
    """How far one archive of a job got; a rerun resumes from here (each step is idempotent)."""

    UPLOADED = "UPLOADED"  # archive upload completed and verified, sidecar manifest written
    CATALOGUED = "CATALOGUED"  # every member's catalog entry written
    DONE = "DONE"  # sources deleted when asked (or nothing to delete)


class ArchiveCheckpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int
    archive_key: str
    manifest_key: str
    state: ArchiveState
    members: int
    member_bytes: int
    archive_bytes: int
    etag: str
    checksum_sha256: str
    failed_keys: list[str] = Field(default_factory=list)
    sources_deleted: int = 0
    updated_at: datetime
