"""The results bucket as a port: Parquet parts and run records, written once, never replaced.

Every write is conditional (``If-None-Match: *``): a key that exists is refused, so no run can
overwrite another's objects. Parts go up with their SHA-256, which S3 checks on receipt.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, BinaryIO, Protocol


class ObjectExists(RuntimeError):
    """A write named a key that already holds an object: nothing was replaced."""


class ResultsStore(Protocol):
    bucket: str

    def put_file(self, key: str, path: Path, sha256_hex: str) -> str | None:
        """Upload a file checked against its SHA-256; the version id S3 gave it, if versioned."""
        ...

    def put_bytes(self, key: str, body: bytes, content_type: str) -> str | None: ...

    def download(self, key: str, version_id: str | None, into: BinaryIO) -> None: ...

    def get_bytes(self, key: str) -> bytes: ...

    def list_keys(self, prefix: str) -> list[str]: ...


def sha256_base64(sha256_hex: str) -> str:
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode()


class S3ResultsStore:
    def __init__(self, bucket: str, s3: Any) -> None:
        self.bucket = bucket
        self._s3 = s3

    def _put(self, key: str, body: Any, **extra: Any) -> str | None:
        try:
            answer = self._s3.put_object(
                Bucket=self.bucket, Key=key, Body=body, IfNoneMatch="*", **extra
            )
        except self._s3.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
                raise ObjectExists(
                    f"s3://{self.bucket}/{key} exists: runs never overwrite"
                ) from None
            raise
        version: str | None = answer.get("VersionId")
        return version if version and version != "null" else None

    def put_file(self, key: str, path: Path, sha256_hex: str) -> str | None:
        with path.open("rb") as body:
            return self._put(
                key,
                body,
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=sha256_base64(sha256_hex),
                ContentType="application/vnd.apache.parquet",
                Metadata={"sha256": sha256_hex},
            )

    def put_bytes(self, key: str, body: bytes, content_type: str) -> str | None:
        return self._put(key, body, ContentType=content_type, ChecksumAlgorithm="SHA256")

    def download(self, key: str, version_id: str | None, into: BinaryIO) -> None:
        extra = {"VersionId": version_id} if version_id else {}
        answer = self._s3.get_object(Bucket=self.bucket, Key=key, **extra)
        for chunk in answer["Body"].iter_chunks(chunk_size=1 << 20):
            into.write(chunk)

    def get_bytes(self, key: str) -> bytes:
        body: bytes = self._s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def list_keys(self, prefix: str) -> list[str]:
        keys: list[str] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            keys.extend(item["Key"] for item in page.get("Contents", []))
        return keys
