"""The objects under a source prefix: from ListObjectsV2, or from an S3 Inventory report.

Objects that cannot or should not be packed are handed to ``on_skipped`` with the reason,
never dropped without a word: objects already in an archive storage class (DEEP_ARCHIVE,
GLACIER, or Intelligent-Tiering's archive tiers) cannot be read without a restore, and
zero-byte keys ending in ``/`` are the console's folder markers, not files.

ETags are given as ListObjectsV2 gives them, in quotes; the inventory's bare ETags are quoted
to match, so the catalog holds one form whichever source listed an object.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Final, Protocol
from urllib.parse import unquote_plus

from strongroom.deep_archive.domain.grouping import SourceObject
from strongroom.deep_archive.domain.storage import RESTORE_REQUIRED

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ARCHIVED_TIERS: Final = frozenset({"ARCHIVE", "DEEP_ARCHIVE"})
"""Intelligent-Tiering access tiers whose objects must be restored before a GET."""
SAMPLES_PER_REASON: Final = 20


class SkipReason(StrEnum):
    RESTORE_REQUIRED = "in an archive storage class: needs a restore to be read"
    FOLDER_MARKER = "folder marker (zero-byte key ending in '/')"


@dataclass(frozen=True, slots=True)
class SkippedObject:
    key: str
    size: int
    storage_class: str | None
    reason: SkipReason


SkipHandler = Callable[[SkippedObject], None]


@dataclass(slots=True)
class SkipTally:
    """A ``SkipHandler`` that counts skipped objects and keeps a few keys per reason for the job
    report (bounded memory, however many objects are skipped)."""

    counts: Counter[SkipReason] = field(default_factory=Counter)
    bytes: Counter[SkipReason] = field(default_factory=Counter)
    samples: dict[SkipReason, list[str]] = field(default_factory=dict)

    def __call__(self, skipped: SkippedObject) -> None:
        self.counts[skipped.reason] += 1
        self.bytes[skipped.reason] += skipped.size
        keys = self.samples.setdefault(skipped.reason, [])
        if len(keys) < SAMPLES_PER_REASON:
            keys.append(skipped.key)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def skip_reason(
    key: str, size: int, storage_class: str | None, tier: str | None = None
) -> SkipReason | None:
    """Why an object is left out of the archives, or None to archive it."""
    if storage_class in RESTORE_REQUIRED or (
        storage_class == "INTELLIGENT_TIERING" and tier in ARCHIVED_TIERS
    ):
        return SkipReason.RESTORE_REQUIRED
    if size == 0 and key.endswith("/"):
        return SkipReason.FOLDER_MARKER
    return None


def list_source(
    s3_client: S3Client, bucket: str, prefix: str, *, on_skipped: SkipHandler
) -> Iterator[SourceObject]:
    """Every object under ``prefix`` that can be archived, in S3's key order (ascending UTF-8
    bytes, which is the order ``grouping.iter_archive_plans`` expects)."""
    pages = s3_client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    for page in pages:
        for entry in page.get("Contents", []):
            key, size = entry["Key"], entry["Size"]
            storage_class = entry.get("StorageClass")
            reason = skip_reason(key, size, storage_class)
            if reason is not None:
                on_skipped(SkippedObject(key, size, storage_class, reason))
                continue
            yield SourceObject(
                key=key,
                size=size,
                etag=entry["ETag"],
                last_modified=entry["LastModified"].astimezone(UTC),
                storage_class=storage_class,
            )


class InventoryError(ValueError):
    """The inventory report cannot be read as an S3 Inventory CSV report."""


@dataclass(frozen=True, slots=True)
class InventoryFile:
    key: str
    size: int
    md5: str | None


@dataclass(frozen=True, slots=True)
class InventoryManifest:
    """The parts of an inventory ``manifest.json`` the reader uses.

    ``columns`` is ``fileSchema`` split into names: the CSV files have no header row, so this
    is the only place their column order is given.
    """

    source_bucket: str
    destination_bucket: str
    columns: tuple[str, ...]
    files: tuple[InventoryFile, ...]


REQUIRED_COLUMNS: Final = ("Key", "Size", "LastModifiedDate", "ETag")


def parse_manifest(data: bytes, *, manifest_bucket: str) -> InventoryManifest:
    """An inventory manifest (``fileFormat`` CSV). Data files live in the destination bucket,
    named in the manifest as an ARN; the manifest's own bucket is used when it is missing."""
    try:
        document = json.loads(data)
    except ValueError as error:
        raise InventoryError(f"manifest is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise InventoryError("manifest is not a JSON object")
    file_format = document.get("fileFormat")
    if file_format != "CSV":
        raise InventoryError(f"inventory fileFormat {file_format!r} is not supported; use CSV")
    schema = document.get("fileSchema")
    if not isinstance(schema, str):
        raise InventoryError("manifest has no fileSchema")
    columns = tuple(name.strip() for name in schema.split(","))
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise InventoryError(f"inventory fileSchema lacks {', '.join(missing)}: {schema!r}")
    source_bucket = document.get("sourceBucket")
    if not isinstance(source_bucket, str):
        raise InventoryError("manifest has no sourceBucket")
    destination = document.get("destinationBucket") or manifest_bucket
    return InventoryManifest(
        source_bucket=source_bucket,
        destination_bucket=str(destination).removeprefix("arn:aws:s3:::"),
        columns=columns,
        files=tuple(_inventory_files(document.get("files"))),
    )


def _inventory_files(files: object) -> Iterator[InventoryFile]:
    if not isinstance(files, list):
        raise InventoryError("manifest has no files list")
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str):
            raise InventoryError(f"manifest file entry without a key: {entry!r}")
        md5 = entry.get("MD5checksum")
        yield InventoryFile(
            key=entry["key"],
            size=int(entry.get("size", 0)),
            md5=md5 if isinstance(md5, str) else None,
        )


def inventory_rows(
    lines: Iterable[str],
    columns: tuple[str, ...],
    *,
    prefix: str,
    on_skipped: SkipHandler,
) -> Iterator[SourceObject]:
    """The current objects under ``prefix`` in CSV ``lines`` laid out as ``columns``.

    Keys are URL-encoded with ``+`` for a space. With a versioned report, only each key's
    latest version that is not a delete marker is an object (as ListObjectsV2 would show).
    """
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row:
            continue
        if len(row) != len(columns):
            raise InventoryError(f"row {number} has {len(row)} fields, expected {len(columns)}")
        values = dict(zip(columns, row, strict=True))
        key = unquote_plus(values["Key"])
        if not key.startswith(prefix) or not _is_current(values):
            continue
        source = _source_object(key, values, number)
        reason = skip_reason(
            key, source.size, source.storage_class, values.get("IntelligentTieringAccessTier")
        )
        if reason is not None:
            on_skipped(SkippedObject(key, source.size, source.storage_class, reason))
            continue
        yield source


def _is_current(values: Mapping[str, str]) -> bool:
    return (
        values.get("IsLatest", "true").lower() == "true"
        and values.get("IsDeleteMarker", "false").lower() != "true"
    )


def _source_object(key: str, values: Mapping[str, str], row: int) -> SourceObject:
    try:
        etag = values["ETag"]
        return SourceObject(
            key=key,
            size=int(values["Size"]),
            etag=etag if etag.startswith('"') else f'"{etag}"',
            last_modified=datetime.fromisoformat(values["LastModifiedDate"]).astimezone(UTC),
            version_id=values.get("VersionId") or None,
            storage_class=values.get("StorageClass") or None,
        )
    except ValueError as error:
        raise InventoryError(f"row {row} ({key!r}): {error}") from None


class Readable(Protocol):
    """A byte stream read forward: a botocore StreamingBody, or a file."""

    def read(self, size: int, /) -> bytes: ...


def read_inventory(
    s3_client: S3Client,
    manifest_uri: str,
    *,
    prefix: str,
    on_skipped: SkipHandler,
    source_bucket: str | None = None,
) -> Iterator[SourceObject]:
    """The objects under ``prefix`` in the S3 Inventory report whose ``manifest.json`` is at
    ``manifest_uri`` (``s3://bucket/key``), streamed file by file (nothing staged on disk).

    ``source_bucket``, when given, must be the bucket the report lists (InventoryError if not).
    The order is the report's, which S3 does not promise to be sorted across files: sort
    before ``grouping.iter_archive_plans``. Each data file is checked against the manifest's
    MD5 once read; a mismatch raises InventoryError.
    """
    manifest_bucket, manifest_key = _split_s3_uri(manifest_uri)
    body = s3_client.get_object(Bucket=manifest_bucket, Key=manifest_key)["Body"].read()
    manifest = parse_manifest(body, manifest_bucket=manifest_bucket)
    if source_bucket is not None and manifest.source_bucket != source_bucket:
        raise InventoryError(
            f"the inventory lists bucket {manifest.source_bucket!r}, not {source_bucket!r}"
        )
    for data_file in manifest.files:
        response = s3_client.get_object(Bucket=manifest.destination_bucket, Key=data_file.key)
        yield from read_inventory_file(
            response["Body"],
            manifest.columns,
            prefix=prefix,
            on_skipped=on_skipped,
            md5=data_file.md5,
            name=data_file.key,
        )


def read_inventory_file(
    stream: Readable,
    columns: tuple[str, ...],
    *,
    prefix: str,
    on_skipped: SkipHandler,
    md5: str | None = None,
    name: str = "inventory file",
) -> Iterator[SourceObject]:
    """The objects in one gzip CSV data file, decompressed as it streams in.

    With ``md5`` (the manifest's ``MD5checksum`` of the compressed file), the file is checked
    once fully read; InventoryError if it differs.
    """
    hashing = _HashingReader(stream)
    with gzip.GzipFile(fileobj=hashing, mode="rb") as unzipped:
        text = io.TextIOWrapper(unzipped, encoding="utf-8", newline="")
        yield from inventory_rows(text, columns, prefix=prefix, on_skipped=on_skipped)
    hashing.drain()
    if md5 is not None and hashing.md5.hexdigest() != md5.lower():
        raise InventoryError(f"{name} has MD5 {hashing.md5.hexdigest()}, the manifest says {md5}")


def _split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not uri.startswith("s3://") or not bucket or not key:
        raise InventoryError(f"manifest location must be s3://bucket/key, got {uri!r}")
    return bucket, key


class _HashingReader:
    """Passes a stream's bytes through to the gzip reader while hashing them."""

    def __init__(self, stream: Readable) -> None:
        self._stream = stream
        self.md5 = hashlib.md5(usedforsecurity=False)

    def read(self, size: int, /) -> bytes:
        data = self._stream.read(size)
        self.md5.update(data)
        return data

    def seek(self, offset: int, /) -> int:
        raise io.UnsupportedOperation(f"cannot seek to {offset}: inventory files stream forward")

    def drain(self) -> None:
        """Hash whatever the gzip reader left unread, so the MD5 covers the whole file."""
        while self.read(1024 * 1024):
            pass
