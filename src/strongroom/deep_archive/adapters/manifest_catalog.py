"""Full-key lookups through archive records and Parquet manifests (decision 0013's catalog).

The archive records name the candidate archives (at most one per job); each candidate's
manifest is read with two ranged GETs (footer, row group). Answers what the per-file catalog's
``get_latest`` answers, without a DynamoDB item per file. Not yet what restores use.
"""

from __future__ import annotations

import io
import threading
from typing import TYPE_CHECKING, Protocol

from strongroom.deep_archive.adapters.archive_record_store import ArchiveRecordStore
from strongroom.deep_archive.adapters.parquet_manifest import (
    RangedS3Object,
    find_in_parquet_manifest,
)
from strongroom.deep_archive.domain.archive_records import ArchiveRecord
from strongroom.deep_archive.domain.catalog import CatalogEntry

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class ManifestReader(Protocol):
    def find(self, record: ArchiveRecord, key: str) -> list[CatalogEntry]:
        """The entries of ``key`` in ``record``'s manifest (every archived version)."""
        ...


class S3ManifestReader:
    def __init__(self, s3: S3Client) -> None:
        self._s3 = s3

    def find(self, record: ArchiveRecord, key: str) -> list[CatalogEntry]:
        source = RangedS3Object(self._s3, record.archive_bucket, record.manifest_key)
        return find_in_parquet_manifest(source, key)


class InMemoryManifestReader:
    """Manifests held as bytes by (bucket, key): the twin of ``S3ManifestReader``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._manifests: dict[tuple[str, str], bytes] = {}

    def put(self, bucket: str, key: str, manifest: bytes) -> None:
        with self._lock:
            self._manifests[(bucket, key)] = manifest

    def find(self, record: ArchiveRecord, key: str) -> list[CatalogEntry]:
        with self._lock:
            manifest = self._manifests[(record.archive_bucket, record.manifest_key)]
        return find_in_parquet_manifest(io.BytesIO(manifest), key)


class ManifestCatalog:
    def __init__(self, records: ArchiveRecordStore, manifests: ManifestReader) -> None:
        self._records = records
        self._manifests = manifests

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        """The newest archived version of the object (source date, then archive date)."""
        entries = [
            entry
            for record in self._records.archives_holding(project, bucket, key)
            for entry in self._manifests.find(record, key)
        ]
        return max(
            entries, key=lambda entry: (entry.last_modified, entry.archived_at), default=None
        )
