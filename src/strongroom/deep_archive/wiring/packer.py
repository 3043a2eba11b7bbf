"""What a packer container (the Batch job) talks to, named by its environment.

Apart from the Lambda wiring beside it: the packer reads sources with obstore, which only the
packer image installs, so Lambda bundles never import this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from strongroom.core.aws import client
from strongroom.core.settings import EnvironmentSettings
from strongroom.deep_archive.adapters.archive_record_store import DynamoDBArchiveRecords
from strongroom.deep_archive.adapters.archived_listing import ArchivedListing
from strongroom.deep_archive.adapters.catalog_store import DynamoDBCatalogStore
from strongroom.deep_archive.adapters.job_files import JobFiles
from strongroom.deep_archive.adapters.job_launcher import BatchJobLauncher
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore, JobsTableSettings
from strongroom.deep_archive.adapters.manifest_etags import S3ManifestEtags
from strongroom.deep_archive.adapters.source_access import scoped_source_access
from strongroom.deep_archive.domain.names import BucketName
from strongroom.deep_archive.services.packer_services import (
    DEFAULT_MAX_ATTEMPTS,
    Attempt,
    PackerServices,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class PackerSettings(EnvironmentSettings):
    """The packer container's environment: where archives go, whose role reads the sources."""

    archive_bucket: BucketName = Field(alias="ARCHIVE_BUCKET_NAME")
    source_reader_role_arn: str | None = Field(default=None, alias="SOURCE_READER_ROLE_ARN")


class AttemptSettings(EnvironmentSettings):
    """Batch's account of this attempt (and the retry limit the job definition sets)."""

    number: int = Field(default=1, alias="AWS_BATCH_JOB_ATTEMPT", ge=1)
    max_attempts: int = Field(default=DEFAULT_MAX_ATTEMPTS, alias="PACKER_MAX_ATTEMPTS", ge=1)
    array_index: int | None = Field(default=None, alias="AWS_BATCH_JOB_ARRAY_INDEX", ge=0)

    def attempt(self) -> Attempt:
        return Attempt(self.number, self.max_attempts, self.array_index)


def packer_services() -> PackerServices:
    """What a packer container talks to, named by its environment."""
    s3: S3Client = client("s3")
    settings = PackerSettings.from_environment()
    files = JobFiles(s3, settings.archive_bucket)
    listing = ArchivedListing(JobsTableSettings.from_environment().table_name, files)
    return PackerServices(
        jobs=DynamoDBJobStore.from_environment(),
        catalog=DynamoDBCatalogStore.from_environment(),
        records=DynamoDBArchiveRecords.from_environment(),
        manifests=S3ManifestEtags(s3),
        project_jobs=listing.project_jobs,
        files=files,
        s3=s3,
        launcher=BatchJobLauncher.from_environment(),
        source_access=lambda job: scoped_source_access(job, settings.source_reader_role_arn),
        archive_bucket=settings.archive_bucket,
    )
