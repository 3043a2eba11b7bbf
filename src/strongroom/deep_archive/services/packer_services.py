"""What a packer job talks to (wiring.packer_services builds it), and which attempt it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from strongroom.deep_archive.adapters.archive_record_store import ArchiveRecordStore
from strongroom.deep_archive.adapters.catalog_store import CatalogStore
from strongroom.deep_archive.adapters.job_files import JobFiles
from strongroom.deep_archive.adapters.job_launcher import JobLauncher
from strongroom.deep_archive.adapters.job_store import JobStore
from strongroom.deep_archive.adapters.manifest_etags import ManifestEtags
from strongroom.deep_archive.adapters.object_reader import ReaderLimits
from strongroom.deep_archive.adapters.source_access import SourceAccess
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

DEFAULT_MAX_ATTEMPTS = 3


@dataclass
class PackerServices:
    jobs: JobStore
    catalog: CatalogStore
    records: ArchiveRecordStore
    """One record per archive (key range, Parquet manifest): decision 0013's catalog."""
    manifests: ManifestEtags
    """The archives' Parquet manifests as (key, ETag) rows: planning's unchanged-file skip."""
    project_jobs: Callable[[str], list[JobRecord]]
    """A project's jobs: those with no archive record are checked through per-file items."""
    files: JobFiles
    s3: S3Client
    launcher: JobLauncher
    source_access: Callable[[JobSettings], SourceAccess]
    """Clients for a job's source, narrowed to its bucket and prefix (see source_policy)."""
    archive_bucket: str
    reader_limits: ReaderLimits = field(default_factory=ReaderLimits)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Attempt:
    """Which Batch attempt this is, so only the last one marks the job failed."""

    number: int = 1
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    array_index: int | None = None

    @property
    def last(self) -> bool:
        return self.number >= self.max_attempts
