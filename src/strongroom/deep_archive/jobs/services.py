"""What a packer job talks to, built once from the container's environment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import boto3
from botocore.credentials import CredentialProvider, CredentialResolver, RefreshableCredentials
from botocore.session import get_session
from obstore.store import ObjectStore
from pydantic import Field

from strongroom.core.aws import CLIENT_CONFIG, client
from strongroom.core.settings import EnvironmentSettings
from strongroom.deep_archive.adapters.catalog_store import CatalogStore, DynamoDBCatalogStore
from strongroom.deep_archive.adapters.job_files import JobFiles
from strongroom.deep_archive.adapters.job_launcher import BatchJobLauncher, JobLauncher
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore, JobStore
from strongroom.deep_archive.adapters.object_reader import ReaderLimits
from strongroom.deep_archive.adapters.obstore_config import s3_store
from strongroom.deep_archive.domain.jobs import JobSettings
from strongroom.deep_archive.domain.names import BucketName
from strongroom.deep_archive.domain.source_policy import packed_policy

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

DEFAULT_MAX_ATTEMPTS = 3
ROLE_CHAINING_MAX_SECONDS = 3600


@dataclass
class PackerServices:
    jobs: JobStore
    catalog: CatalogStore
    files: JobFiles
    s3: S3Client
    launcher: JobLauncher
    source_access: Callable[[JobSettings], SourceAccess]
    """Clients for a job's source, narrowed to its bucket and prefix (see source_policy)."""
    archive_bucket: str
    reader_limits: ReaderLimits = field(default_factory=ReaderLimits)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @classmethod
    def from_environment(cls) -> PackerServices:
        s3: S3Client = client("s3")
        settings = PackerSettings.from_environment()
        return cls(
            jobs=DynamoDBJobStore.from_environment(),
            catalog=DynamoDBCatalogStore.from_environment(),
            files=JobFiles(s3, settings.archive_bucket),
            s3=s3,
            launcher=BatchJobLauncher.from_environment(),
            source_access=lambda job: scoped_source_access(job, settings.source_reader_role_arn),
            archive_bucket=settings.archive_bucket,
        )


class _FixedProvider(CredentialProvider):
    """Hands botocore one (self-refreshing) credentials object."""

    METHOD = "strongroom-source-reader"

    def __init__(self, credentials: RefreshableCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> RefreshableCredentials:
        return self._credentials


@dataclass(frozen=True)
class SourceAccess:
    """What a job lists, reads (obstore: the bulk GET path) and deletes its sources with."""

    s3: S3Client
    store: ObjectStore


def scoped_source_access(settings: JobSettings, role_arn: str | None) -> SourceAccess:
    """Credentials of the source-reader role, narrowed by the job's session policy.

    Without ``SOURCE_READER_ROLE_ARN`` (a test wiring its own clients) the process's own
    credentials are used. Assuming a role from a task role is role chaining, which STS caps at
    one hour, so the credentials refresh themselves before they expire.
    """
    if not role_arn:
        return SourceAccess(client("s3"), s3_store(settings.bucket))
    sts = client("sts")
    policy = packed_policy(settings, partition=role_arn.split(":")[1])
    session_name = f"packer-{settings.project}"[:64]

    def fresh() -> dict[str, str]:
        issued = sts.assume_role(
            RoleArn=role_arn,
            RoleSessionName=session_name,
            Policy=policy,
            DurationSeconds=ROLE_CHAINING_MAX_SECONDS,
        )["Credentials"]
        return {
            "access_key": issued["AccessKeyId"],
            "secret_key": issued["SecretAccessKey"],
            "token": issued["SessionToken"],
            "expiry_time": issued["Expiration"].isoformat(),
        }

    credentials = RefreshableCredentials.create_from_metadata(
        metadata=fresh(), refresh_using=fresh, method="sts-assume-role"
    )
    botocore_session = get_session()
    botocore_session.register_component(
        "credential_provider", CredentialResolver([_FixedProvider(credentials)])
    )
    s3: S3Client = boto3.session.Session(botocore_session=botocore_session).client(
        "s3", config=CLIENT_CONFIG
    )
    return SourceAccess(s3, s3_store(settings.bucket, credentials=credentials))


@dataclass(frozen=True)
class Attempt:
    """Which Batch attempt this is, so only the last one marks the job failed."""

    number: int = 1
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    array_index: int | None = None

    @property
    def last(self) -> bool:
        return self.number >= self.max_attempts


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
