"""Restored files written to the restore bucket, only once their bytes passed every check.

A small file is held in memory and stored with one PUT carrying the catalog's SHA-256, which S3
checks on arrival. A larger one streams through a multipart upload that is completed only after
the last piece passed the member checks; any failure aborts it, so a corrupt file is never
visible.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from strongroom.core.aws import client
from strongroom.deep_archive.adapters.multipart_sink import MultipartArchiveUpload
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.parts import MIB

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SINGLE_PUT_LIMIT: Final = 16 * MIB
DEFAULT_CONTENT_TYPE: Final = "binary/octet-stream"
"""What S3 itself records for an object stored without a content type."""


class S3RestoredFiles:
    def __init__(
        self,
        bucket: str,
        s3_client: S3Client | None = None,
        *,
        single_put_limit: int = SINGLE_PUT_LIMIT,
    ) -> None:
        self.bucket = bucket
        self._s3: S3Client = s3_client or client("s3")
        self._single_put_limit = single_put_limit

    def write(self, key: str, pieces: Iterable[bytes], entry: CatalogEntry) -> None:
        content_type = entry.content_type or DEFAULT_CONTENT_TYPE
        if entry.size <= self._single_put_limit:
            body = b"".join(pieces)
            self._s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                Metadata=dict(entry.metadata),
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=base64.b64encode(bytes.fromhex(entry.sha256)).decode("ascii"),
            )
            return
        with MultipartArchiveUpload(
            self._s3,
            self.bucket,
            key,
            storage_class="STANDARD",
            metadata=entry.metadata,
            content_type=content_type,
        ) as upload:
            for piece in pieces:
                upload.write(piece)
            upload.complete()
