"""The evidence bucket as a port: each package object written once, locked in COMPLIANCE mode.

Every put is conditional (``If-None-Match: *``: an existing key is refused, never replaced),
carries its SHA-256 (S3 refuses a body that does not match it) and its Object Lock retention
(COMPLIANCE until the date given: nobody, root included, can shorten it or delete the version).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from strongroom.sox_evidence.adapters.results_store import ObjectExists, sha256_base64
from strongroom.sox_evidence.domain.evidence_files import sha256_hex


class EvidenceBucket(Protocol):
    bucket: str

    def put(self, key: str, body: bytes, content_type: str, retain_until: datetime) -> str | None:
        """Write ``key`` once with COMPLIANCE retention; the version id S3 gave it."""
        ...


class S3EvidenceBucket:
    def __init__(self, bucket: str, s3: Any) -> None:
        self.bucket = bucket
        self._s3 = s3

    def put(self, key: str, body: bytes, content_type: str, retain_until: datetime) -> str | None:
        try:
            answer = self._s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=body,
                ContentType=content_type,
                IfNoneMatch="*",
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=sha256_base64(sha256_hex(body)),
                ObjectLockMode="COMPLIANCE",
                ObjectLockRetainUntilDate=retain_until,
            )
        except self._s3.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                raise ObjectExists(
                    f"s3://{self.bucket}/{key} exists: evidence is never overwritten"
                ) from None
            raise
        version: str | None = answer.get("VersionId")
        return version if version and version != "null" else None
