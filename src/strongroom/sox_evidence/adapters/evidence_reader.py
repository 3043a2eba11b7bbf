"""Reading an evidence package back from S3, pinned to versions: the verifier's only S3 port.

It reads both buckets a package spans (the evidence bucket's locked objects, the results
bucket's Parquet) and never writes. Every read names a version id, so what is checked is what
the manifest recorded, not whatever a later write put over the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

MISSING_CODES = frozenset(
    {"NoSuchKey", "NoSuchVersion", "404", "MethodNotAllowed", "405", "InvalidArgument"}
)
"""What S3 answers for a key or version that is not there (a delete marker's version: 405;
a malformed version id: InvalidArgument)."""


class ByteSink(Protocol):
    """Where a download's bytes go: a file, or a writer that hashes on the way."""

    def write(self, chunk: bytes, /) -> int: ...


class ObjectMissing(LookupError):
    """The key, or the version asked for, does not exist."""


@dataclass(frozen=True)
class ObjectVersion:
    key: str
    version_id: str
    is_latest: bool
    delete_marker: bool


@dataclass(frozen=True)
class Retention:
    mode: str
    retain_until: datetime


@dataclass(frozen=True)
class StoredObject:
    body: bytes
    retention: Retention | None
    """The version's Object Lock retention, None when it has none."""


class EvidenceReader(Protocol):
    def get(self, bucket: str, key: str, version_id: str | None) -> StoredObject:
        """The object at that version with its retention; ``ObjectMissing`` if there is none."""
        ...

    def download(self, bucket: str, key: str, version_id: str | None, into: ByteSink) -> None:
        """Stream the object at that version into ``into`` (Parquet: not held in memory)."""
        ...

    def versions(self, bucket: str, prefix: str) -> list[ObjectVersion]:
        """Every version and delete marker under ``prefix``, newest first per key."""
        ...

    def retention(self, bucket: str, key: str, version_id: str | None) -> Retention | None:
        """The version's Object Lock retention, or None when it has none (a HEAD: for an object
        not read; ``get`` returns it with the bytes)."""
        ...

    def latest(self, bucket: str, key: str) -> ObjectVersion | None:
        """The key's latest version (maybe a delete marker), or None when the key has none."""
        ...


def _code(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _retention(answer: Any) -> Retention | None:
    # GET and HEAD both carry the version's retention (x-amz-object-lock-*), shown to a role
    # with s3:GetObjectRetention: no GetObjectRetention call (moto does not implement it).
    mode, until = answer.get("ObjectLockMode"), answer.get("ObjectLockRetainUntilDate")
    if not mode or until is None:
        return None
    return Retention(mode=str(mode), retain_until=until)


class S3EvidenceReader:
    def __init__(self, s3: Any) -> None:
        self._s3 = s3

    def _get_object(self, bucket: str, key: str, version_id: str | None) -> Any:
        extra = {"VersionId": version_id} if version_id else {}
        try:
            return self._s3.get_object(Bucket=bucket, Key=key, **extra)
        except self._s3.exceptions.ClientError as error:
            if _code(error) in MISSING_CODES:
                raise ObjectMissing(f"s3://{bucket}/{key} version {version_id}") from None
            raise

    def get(self, bucket: str, key: str, version_id: str | None) -> StoredObject:
        answer = self._get_object(bucket, key, version_id)
        return StoredObject(body=answer["Body"].read(), retention=_retention(answer))

    def download(self, bucket: str, key: str, version_id: str | None, into: ByteSink) -> None:
        answer = self._get_object(bucket, key, version_id)
        for chunk in answer["Body"].iter_chunks(chunk_size=1 << 20):
            into.write(chunk)

    def versions(self, bucket: str, prefix: str) -> list[ObjectVersion]:
        found: list[tuple[ObjectVersion, datetime]] = []
        for page in self._s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Prefix=prefix
        ):
            for item, marker in [(v, False) for v in page.get("Versions", [])] + [
                (m, True) for m in page.get("DeleteMarkers", [])
            ]:
                version = ObjectVersion(
                    key=item["Key"],
                    version_id=str(item.get("VersionId")),
                    is_latest=bool(item.get("IsLatest")),
                    delete_marker=marker,
                )
                found.append((version, item["LastModified"]))
        # Versions and delete markers come in two lists: each key's back in time order, newest
        # (the latest) first.
        found.sort(key=lambda pair: (pair[0].key, not pair[0].is_latest, -pair[1].timestamp()))
        return [version for version, _ in found]

    def latest(self, bucket: str, key: str) -> ObjectVersion | None:
        # One HEAD per key, not a listing: S3 answers a key whose latest version is a delete
        # marker with 404 and x-amz-delete-marker / x-amz-version-id headers.
        try:
            answer = self._s3.head_object(Bucket=bucket, Key=key)
        except self._s3.exceptions.ClientError as error:
            headers = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
            if headers.get("x-amz-delete-marker") == "true":
                marker_id = str(headers.get("x-amz-version-id"))
                return ObjectVersion(key, marker_id, is_latest=True, delete_marker=True)
            if _code(error) in MISSING_CODES:
                return None
            raise
        return ObjectVersion(key, str(answer.get("VersionId")), is_latest=True, delete_marker=False)

    def retention(self, bucket: str, key: str, version_id: str | None) -> Retention | None:
        extra = {"VersionId": version_id} if version_id else {}
        try:
            answer = self._s3.head_object(Bucket=bucket, Key=key, **extra)
        except self._s3.exceptions.ClientError as error:
            if _code(error) in MISSING_CODES:
                raise ObjectMissing(f"s3://{bucket}/{key} version {version_id}") from None
            raise
        return _retention(answer)
