"""An archive's (key, ETag) rows from its Parquet manifest, in key order, for planning.

Only the two columns are read: with ``pre_buffer`` pyarrow fetches their column chunks in
coalesced ranged GETs (``RangedS3Object``), after one GET of the file's tail for the footer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

from strongroom.deep_archive.adapters.parquet_manifest import RangedS3Object
from strongroom.deep_archive.domain.archive_records import ArchiveRecord

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_COLUMNS = ["key", "etag"]


class ManifestEtags(Protocol):
    def rows(self, record: ArchiveRecord) -> Iterator[tuple[str, str]]:
        """``record``'s manifest as (key, ETag) rows in key order, read when first iterated."""
        ...


def iter_keys_and_etags(source: IO[bytes] | pa.NativeFile) -> Iterator[tuple[str, str]]:
    """A Parquet manifest's (key, ETag) rows, a batch at a time (the writer sorted them)."""
    manifest = pq.ParquetFile(source, pre_buffer=True)
    for batch in manifest.iter_batches(columns=_COLUMNS):
        yield from zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True)


class S3ManifestEtags:
    def __init__(self, s3: S3Client) -> None:
        self._s3 = s3

    def rows(self, record: ArchiveRecord) -> Iterator[tuple[str, str]]:
        yield from iter_keys_and_etags(
            RangedS3Object(self._s3, record.archive_bucket, record.manifest_key)
        )
