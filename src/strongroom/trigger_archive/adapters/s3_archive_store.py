"""ArchiveStore on the versioned archive bucket.

Each response is stored as the exact bytes received, under the seed's key, with
``ContentType: application/json``, metadata ``client-id``, ``trigger-date``, ``archived-at`` and
``sha256``, and an S3 SHA-256 checksum S3 verifies on receipt. Before writing, HeadObject reads
the current version's ``sha256``: the same means ``unchanged`` (no write), a different one a new
version (``changed``).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date, datetime
from typing import Any

from botocore.exceptions import ClientError

from strongroom.core.timefmt import iso_millis
from strongroom.trigger_archive.domain import Outcome, archive_key

JSON = "application/json"
_ABSENT = {"404", "NoSuchKey", "NotFound"}


class S3ArchiveStore:
    def __init__(self, bucket: str, s3: Any) -> None:
        self._bucket = bucket
        self._s3 = s3

    def store(
        self, client_id: int, trigger_date: date, body: bytes, archived_at: datetime
    ) -> Outcome:
        key = archive_key(client_id, trigger_date)
        digest = hashlib.sha256(body)
        held = self._held_sha256(key)
        if held == digest.hexdigest():
            return Outcome.UNCHANGED
        self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=body,
            ContentType=JSON,
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=base64.b64encode(digest.digest()).decode(),
            Metadata={
                "client-id": str(client_id),
                "trigger-date": trigger_date.isoformat(),
                "archived-at": iso_millis(archived_at),
                "sha256": digest.hexdigest(),
            },
        )
        return Outcome.ARCHIVED if held is None else Outcome.CHANGED

    def write_run_report(self, key: str, report: bytes) -> None:
        self._s3.put_object(
            Bucket=self._bucket,
            Key=key,
            Body=report,
            ContentType=JSON,
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=base64.b64encode(hashlib.sha256(report).digest()).decode(),
        )

    def _held_sha256(self, key: str) -> str | None:
        """The current version's ``sha256`` metadata; ``None`` when there is no object. An object
        without the metadata (written by the seed's function) counts as different content."""
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code")) in _ABSENT:
                return None
            raise
        return str(head.get("Metadata", {}).get("sha256", ""))
