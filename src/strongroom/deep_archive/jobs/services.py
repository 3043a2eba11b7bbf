"""What a packer job talks to, built once from the container's environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from obstore.store import ObjectStore

from strongroom.core.aws import client
from strongroom.deep_archive.adapters.catalog_store import CatalogStore, DynamoDBCatalogStore
from strongroom.deep_archive.adapters.job_files import JobFiles
from strongroom.deep_archive.adapters.job_launcher import BatchJobLauncher, JobLauncher
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore, JobStore
from strongroom.deep_archive.adapters.object_reader import ReaderLimits
from strongroom.deep_archive.adapters.obstore_config import s3_store

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

DEFAULT_MAX_ATTEMPTS = 3


@dataclass
class PackerServices:
    jobs: JobStore
    catalog: CatalogStore
    files: JobFiles
    s3: S3Client
    launcher: JobLauncher
    source_store: Callable[[str], ObjectStore]
    """An object store reading the given source bucket (obstore: the bulk GET path)."""
    archive_bucket: str
    reader_limits: ReaderLimits = field(default_factory=ReaderLimits)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] = os.environ) -> PackerServices:
        s3: S3Client = client("s3")
        bucket = environment["ARCHIVE_BUCKET_NAME"]
        return cls(
            jobs=DynamoDBJobStore.from_environment(),
            catalog=DynamoDBCatalogStore.from_environment(),
            files=JobFiles(s3, bucket),
            s3=s3,
            launcher=BatchJobLauncher.from_environment(),
            source_store=lambda source_bucket: s3_store(source_bucket, environment=environment),
            archive_bucket=bucket,
        )


@dataclass(frozen=True)
class Attempt:
    """Which Batch attempt this is, so only the last one marks the job failed."""

    number: int = 1
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    array_index: int | None = None

    @property
    def last(self) -> bool:
        return self.number >= self.max_attempts

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] = os.environ) -> Attempt:
        index = environment.get("AWS_BATCH_JOB_ARRAY_INDEX")
        return cls(
            number=int(environment.get("AWS_BATCH_JOB_ATTEMPT", "1")),
            max_attempts=int(environment.get("PACKER_MAX_ATTEMPTS", str(DEFAULT_MAX_ATTEMPTS))),
            array_index=None if index is None else int(index),
        )
