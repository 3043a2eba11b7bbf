"""Lookups through archive records and Parquet manifests (decision 0013's catalog).

By full key, the archive records name the candidate archives (at most one per job); each
candidate's manifest is read with two ranged GETs (footer, row group). Answers what the per-file
catalog's ``get_latest`` answers, without a DynamoDB item per file. By key prefix, a job's
records whose key ranges meet the prefix are read, each through the row groups whose key
statistics can hold it. Restores resolve through here (``restore_catalog``, ``archived_listing``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from strongroom.deep_archive.adapters.archive_record_store import ArchiveRecordStore
from strongroom.deep_archive.adapters.catalog_store import newest
from strongroom.deep_archive.adapters.parquet_manifest import (
    RangedS3Object,
    entries_under_prefix,
    find_in_parquet_manifest,
)
from strongroom.deep_archive.domain.archive_records import ArchiveRecord, range_overlaps_prefix
from strongroom.deep_archive.domain.catalog import CatalogEntry

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class ManifestReader(Protocol):
    def find(self, record: ArchiveRecord, key: str) -> list[CatalogEntry]:
        """The entries of ``key`` in ``record``'s manifest (every archived version)."""
        ...

    def under_prefix(self, record: ArchiveRecord, prefix: str) -> list[CatalogEntry]:
        """The entries of ``record``'s manifest whose key starts with ``prefix``."""
        ...


class S3ManifestReader:
    def __init__(self, s3: S3Client) -> None:
        self._s3 = s3

    def find(self, record: ArchiveRecord, key: str) -> list[CatalogEntry]:
        source = RangedS3Object(self._s3, record.archive_bucket, record.manifest_key)
        return find_in_parquet_manifest(source, key)

    def under_prefix(self, record: ArchiveRecord, prefix: str) -> list[CatalogEntry]:
        source = RangedS3Object(self._s3, record.archive_bucket, record.manifest_key)
        return entries_under_prefix(source, prefix)


class InMemoryManifestReader:
    """Manifests held as bytes by (bucket, key): the twin of ``S3ManifestReader``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._manifests: dict[tuple[str, str], bytes] = {}

    def put(self, bucket: str, key: str, manifest: bytes) -> None:
        with self._lock:
            self._manifests[(bucket, key)] = manifest

    def find(self, record: ArchiveRecord, key: str) -> list[CatalogEntry]:
        return find_in_parquet_manifest(self._manifest(record), key)

    def under_prefix(self, record: ArchiveRecord, prefix: str) -> list[CatalogEntry]:
        return entries_under_prefix(self._manifest(record), prefix)

    def _manifest(self, record: ArchiveRecord) -> io.BytesIO:
        with self._lock:
            return io.BytesIO(self._manifests[(record.archive_bucket, record.manifest_key)])


class ManifestCatalog:
    def __init__(self, records: ArchiveRecordStore, manifests: ManifestReader) -> None:
        self._records = records
        self._manifests = manifests

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        """The newest archived version of the object (source date, then archive date)."""
        return newest(self.versions(project, bucket, key).entries)

    def versions(self, project: str, bucket: str, key: str) -> RecordedVersions:
        """Every version of the object the recorded archives hold, and which archives those
        are (whatever a per-file item says of them, the manifests answer for them)."""
        records = self._records.archives_holding(project, bucket, key)
        return RecordedVersions(
            archives=frozenset((record.archive_bucket, record.archive_key) for record in records),
            entries=[entry for record in records for entry in self._manifests.find(record, key)],
        )

    def recorded_jobs(self, project: str, bucket: str) -> list[str]:
        return self._records.recorded_jobs(project, bucket)

    def job_under_prefix(
        self, project: str, bucket: str, job_id: str, prefix: str
    ) -> tuple[frozenset[str], Iterator[CatalogEntry]]:
        """The keys of the job's recorded archives, and (read lazily) the entries under
        ``prefix`` of those whose key range meets it."""
        records = self._records.archives_of_job(project, bucket, job_id)
        meeting = [
            record
            for record in records
            if range_overlaps_prefix(record.first_key, record.last_key, prefix)
        ]
        entries = (
            entry for record in meeting for entry in self._manifests.under_prefix(record, prefix)
        )
        return frozenset(record.archive_key for record in records), entries


@dataclass(frozen=True, slots=True)
class RecordedVersions:
    archives: frozenset[tuple[str, str]]
    """(archive bucket, archive key) of every recorded archive whose key range holds the key."""
    entries: list[CatalogEntry]
