"""The archive bucket as a restore sees it: one HEAD, one RestoreObject, one ranged GET."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from botocore.exceptions import ClientError

from strongroom.core.aws import client
from strongroom.deep_archive.domain.restore_header import parse_restore_header
from strongroom.deep_archive.domain.restore_progress import (
    ArchiveNotReadable,
    ArchiveObject,
    RestoreOutcome,
)
from strongroom.deep_archive.domain.restores import RetrievalTier

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

READ_CHUNK: Final = 1024 * 1024
_MISSING: Final = frozenset({"404", "NoSuchKey", "NotFound"})


class RangeLengthError(Exception):
    """S3 answered a ranged GET with another length than asked: the catalog and archive disagree."""


class S3ArchiveStore:
    def __init__(self, s3_client: S3Client | None = None) -> None:
        self._s3: S3Client = s3_client or client("s3")

    def archive_object(self, bucket: str, key: str) -> ArchiveObject | None:
        try:
            head = self._s3.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error_code(error) in _MISSING:
                return None
            raise
        return ArchiveObject(
            storage_class=head.get("StorageClass", "STANDARD"),  # S3 omits it for STANDARD
            restore=parse_restore_header(head.get("Restore")),
        )

    def request_restore(
        self, bucket: str, key: str, tier: RetrievalTier, days: int
    ) -> RestoreOutcome:
        try:
            response = self._s3.restore_object(
                Bucket=bucket,
                Key=key,
                RestoreRequest={"Days": days, "GlacierJobParameters": {"Tier": tier}},
            )
        except ClientError as error:
            if error_code(error) == "RestoreAlreadyInProgress":
                return "in_progress"
            raise
        # 202: restore started; 200: a restored copy already exists (its expiry is extended).
        return "available" if response["ResponseMetadata"]["HTTPStatusCode"] == 200 else "started"

    def read_range(self, bucket: str, key: str, first: int, last: int) -> Iterator[bytes]:
        try:
            response = self._s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={first}-{last}")
        except ClientError as error:
            if error_code(error) == "InvalidObjectState":
                raise ArchiveNotReadable(f"s3://{bucket}/{key} has no restored copy") from error
            raise
        wanted = last - first + 1
        if response["ContentLength"] != wanted:
            response["Body"].close()
            raise RangeLengthError(
                f"s3://{bucket}/{key} bytes {first}-{last}: got {response['ContentLength']} bytes"
            )
        body = response["Body"]
        try:
            yield from body.iter_chunks(READ_CHUNK)
        finally:
            body.close()


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
