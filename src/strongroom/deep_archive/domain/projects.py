"""A project registers what may be archived, where archives go, and its monthly schedule.

The API archives only what a project registered: a request naming another bucket, or a prefix
outside the registered ones, is refused (403).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from strongroom.deep_archive.domain.names import BucketName, KeyPrefix, ProjectName
from strongroom.deep_archive.domain.storage import ArchiveStorageClass

DEFAULT_FILE_COUNT = 50_000
MAX_FILE_COUNT = 200_000
"""Most files per archive: the packer holds each member's manifest line and zip directory entry
until the archive is complete (about 1 KiB each), which keeps it under 300 MB of memory."""
DEFAULT_ARCHIVE_SIZE_MB = 500


class SourceLocation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    bucket: BucketName
    prefixes: tuple[KeyPrefix, ...] = Field(default=("",), min_length=1)

    def covers(self, bucket: str, prefix: str) -> bool:
        return bucket == self.bucket and any(prefix.startswith(own) for own in self.prefixes)


class MonthlySchedule(BaseModel):
    """On the 10th at 03:00 UTC the previous month is archived: ``prefix + period``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    period_format: str = Field(
        default="{year:04d}{month:02d}",
        description="Formats the archived month into the key prefix after the source prefix.",
    )

    def period_prefix(self, month: date) -> str:
        return self.period_format.format(year=month.year, month=month.month)


class Project(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ProjectName
    sources: tuple[SourceLocation, ...] = Field(min_length=1)
    output_prefix: KeyPrefix = ""
    storage_class: ArchiveStorageClass = "DEEP_ARCHIVE"
    file_count: int = Field(default=DEFAULT_FILE_COUNT, ge=1, le=MAX_FILE_COUNT)
    archive_size_mb: int = Field(default=DEFAULT_ARCHIVE_SIZE_MB, ge=1, le=5_000_000)
    schedule: MonthlySchedule | None = None
    notification_topic_arns: tuple[str, ...] = ()

    def authorizes(self, bucket: str, prefix: str) -> bool:
        return any(source.covers(bucket, prefix) for source in self.sources)
