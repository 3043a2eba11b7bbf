"""The clients a packer job reads and deletes its sources with, scoped to the job's prefix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from botocore.credentials import CredentialProvider, CredentialResolver, RefreshableCredentials
from botocore.session import get_session
from obstore.store import ObjectStore

from strongroom.core.aws import CLIENT_CONFIG, client
from strongroom.deep_archive.adapters.obstore_config import s3_store
from strongroom.deep_archive.domain.job_records import JobSettings
from strongroom.deep_archive.domain.source_policy import packed_policy

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ROLE_CHAINING_MAX_SECONDS = 3600


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
