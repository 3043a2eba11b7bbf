"""An archive's manifest as Parquet: one row per member, sorted by key, in row groups whose
key statistics let a reader fetch only the row group that can hold a key.

Written next to the archive (``job_files.parquet_manifest_key``, Standard-IA) by the packer,
from the JSON Lines manifest it builds; read back by full key with ranged GETs (the footer,
then one row group), by key prefix (the footer, then the row groups whose key statistics can
hold the prefix), or whole, to rebuild a catalog. Columns are the ``CatalogEntry`` fields plus
``file_name`` (the bare name a restore may ask for); ``metadata`` is a JSON object as text.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from strongroom.deep_archive.domain.archive_records import range_overlaps_prefix
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.cost_catalog import MANIFEST_ROW_GROUP_ROWS

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

FOOTER_READ_BYTES: Final = 64 * 1024
"""The first ranged GET reads this much of the file's end: the footer of a manifest of tens of
thousands of rows fits, so finding a key takes two GETs (footer, row group)."""
_BATCH_ROWS: Final = 10_000

SCHEMA: Final = pa.schema(
    [
        ("key", pa.string()),
        ("file_name", pa.string()),
        ("project", pa.string()),
        ("source_bucket", pa.string()),
        ("etag", pa.string()),
        ("version_id", pa.string()),
        ("last_modified", pa.timestamp("us", tz="UTC")),
        ("content_type", pa.string()),
        ("metadata", pa.string()),
        ("size", pa.int64()),
        ("archive_bucket", pa.string()),
        ("archive_key", pa.string()),
        ("storage_class", pa.string()),
        ("header_offset", pa.int64()),
        ("data_offset", pa.int64()),
        ("compressed_size", pa.int64()),
        ("method", pa.string()),
        ("crc32", pa.int64()),
        ("sha256", pa.string()),
        ("job_id", pa.string()),
        ("archived_at", pa.timestamp("us", tz="UTC")),
    ]
)


def _row(entry: CatalogEntry) -> dict[str, Any]:
    values = entry.model_dump()
    values["file_name"] = entry.file_name
    values["metadata"] = json.dumps(entry.metadata, sort_keys=True, separators=(",", ":"))
    return values


def _batches(entries: Iterable[CatalogEntry]) -> Iterator[pa.RecordBatch]:
    rows: list[dict[str, Any]] = []
    for entry in entries:
        rows.append(_row(entry))
        if len(rows) == _BATCH_ROWS:
            yield pa.RecordBatch.from_pylist(rows, schema=SCHEMA)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=SCHEMA)


def write_parquet_manifest(
    entries: Iterable[CatalogEntry], *, row_group_rows: int = MANIFEST_ROW_GROUP_ROWS
) -> bytes:
    """The manifest of ``entries`` as Parquet bytes, sorted by key (then ETag)."""
    table = pa.Table.from_batches(list(_batches(entries)), schema=SCHEMA)
    table = table.sort_by([("key", "ascending"), ("etag", "ascending")])
    sink = io.BytesIO()
    pq.write_table(
        table,
        sink,
        compression="zstd",
        row_group_size=row_group_rows,
        write_statistics=["key"],
    )
    return sink.getvalue()


def jsonl_to_parquet(jsonl: bytes) -> bytes:
    """A JSON Lines manifest (as the packer writes it) as a Parquet manifest."""
    lines = (line for line in jsonl.splitlines() if line.strip())
    return write_parquet_manifest(CatalogEntry.model_validate_json(line) for line in lines)


def _entry(row: dict[str, Any]) -> CatalogEntry:
    row = dict(row)
    row.pop("file_name")
    row["metadata"] = json.loads(row["metadata"])
    return CatalogEntry.model_validate(row)


def read_parquet_manifest(source: IO[bytes] | pa.NativeFile) -> Iterator[CatalogEntry]:
    """Every entry of a Parquet manifest, one row group at a time."""
    manifest = pq.ParquetFile(source)
    for index in range(manifest.num_row_groups):
        for row in manifest.read_row_group(index).to_pylist():
            yield _entry(row)


def read_stored_manifest(s3: S3Client, bucket: str, key: str) -> Iterator[CatalogEntry]:
    """Every entry of the Parquet manifest stored at ``key``: one GET of the whole file (a few
    MB), for readers of every row (the packer's record and deletions, the migration)."""
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    yield from read_parquet_manifest(io.BytesIO(body))


def find_in_parquet_manifest(source: IO[bytes] | pa.NativeFile, key: str) -> list[CatalogEntry]:
    """The entries for ``key``: only row groups whose key statistics can hold it are read."""
    return _matching(
        source,
        lambda first, last: first <= key <= last,
        lambda keys: pc.equal(keys, key),
    )


def entries_under_prefix(source: IO[bytes] | pa.NativeFile, prefix: str) -> list[CatalogEntry]:
    """The entries whose key starts with ``prefix``: only row groups whose key statistics can
    hold such a key are read (one ranged GET each through ``RangedS3Object``)."""
    return _matching(
        source,
        lambda first, last: range_overlaps_prefix(first, last, prefix),
        lambda keys: pc.starts_with(keys, pattern=prefix),
    )


def _matching(
    source: IO[bytes] | pa.NativeFile,
    range_may_match: Callable[[str, str], bool],
    keys_matching: Callable[[pa.ChunkedArray], pa.ChunkedArray],
) -> list[CatalogEntry]:
    manifest = pq.ParquetFile(source, pre_buffer=True)
    column = manifest.schema_arrow.get_field_index("key")
    found: list[CatalogEntry] = []
    for index in range(manifest.num_row_groups):
        statistics = manifest.metadata.row_group(index).column(column).statistics
        has_range = statistics is not None and statistics.has_min_max
        if has_range and not range_may_match(statistics.min, statistics.max):
            continue
        table = manifest.read_row_group(index)
        matches = table.filter(keys_matching(table["key"]))
        found += [_entry(row) for row in matches.to_pylist()]
    return found


class RangedS3Object(io.RawIOBase):
    """A readable, seekable S3 object that fetches only the ranges read, for pyarrow.

    The first GET asks for the last ``FOOTER_READ_BYTES`` (a suffix range, whose answer also
    tells the object's size, so no HEAD is needed) and serves the footer from them; every
    other read is one ranged GET. ``gets`` counts the GETs made.
    """

    def __init__(self, s3: S3Client, bucket: str, key: str) -> None:
        super().__init__()
        self._s3, self._bucket, self._key = s3, bucket, key
        self._position = 0
        self._tail: bytes | None = None
        self._tail_start = 0
        self._size: int | None = None
        self.gets = 0

    @property
    def size(self) -> int:
        if self._size is None:
            self._fetch_tail()
        assert self._size is not None
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            base = self.size
        else:
            base = self._position if whence == io.SEEK_CUR else 0
        self._position = max(0, base + offset)
        return self._position

    def read(self, size: int = -1) -> bytes:
        end = self.size if size is None or size < 0 else min(self.size, self._position + size)
        start = self._position
        if end <= start:
            return b""
        if self._tail is not None and start >= self._tail_start:
            data = self._tail[start - self._tail_start : end - self._tail_start]
        else:
            data = self._get(f"bytes={start}-{end - 1}")[0]
        self._position = end
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _fetch_tail(self) -> None:
        data, content_range = self._get(f"bytes=-{FOOTER_READ_BYTES}")
        # "bytes 123-456/457"; without a Content-Range the answer was the whole object.
        if content_range:
            span, _, total = content_range.removeprefix("bytes ").partition("/")
            self._tail_start, self._size = int(span.partition("-")[0]), int(total)
        else:
            self._tail_start, self._size = 0, len(data)
        self._tail = data

    def _get(self, byte_range: str) -> tuple[bytes, str]:
        self.gets += 1
        answer = self._s3.get_object(Bucket=self._bucket, Key=self._key, Range=byte_range)
        return answer["Body"].read(), answer.get("ContentRange", "")
