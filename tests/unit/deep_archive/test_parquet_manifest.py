"""Parquet manifests: entry-for-entry round trip, key order, and lookups by row-group statistics."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pyarrow.parquet as pq
import pytest

from strongroom.deep_archive.adapters.job_files import ManifestBuffer
from strongroom.deep_archive.adapters.parquet_manifest import (
    entries_under_prefix,
    find_in_parquet_manifest,
    jsonl_to_parquet,
    read_parquet_manifest,
    write_parquet_manifest,
)
from strongroom.deep_archive.domain.catalog import CatalogEntry

WHEN = datetime(2025, 4, 10, 3, tzinfo=UTC)
ROWS = 400
"""Rows per row group in these tests (the packer's 10,000 would only make them slower)."""


def entry(key: str, number: int, *, etag: str | None = None) -> CatalogEntry:
    return CatalogEntry(
        project="demo",
        source_bucket="strongroom-demo-source",
        key=key,
        etag=etag or f'"{number:032x}"',
        version_id=None if number % 2 else f"v{number}",
        last_modified=WHEN + timedelta(seconds=number),
        content_type="text/csv" if number % 3 else None,
        metadata={"branch": "north", "n": str(number)} if number % 4 else {},
        size=4096 + number,
        archive_bucket="strongroom-archive",
        archive_key="demo-20250410/demo/job/part-000000.zip",
        storage_class="DEEP_ARCHIVE",
        header_offset=number * 4400,
        data_offset=number * 4400 + 105,
        compressed_size=1200 + number,
        method="deflated",
        crc32=2_850_010_243 - number,
        sha256=f"{number:064x}",
        job_id="job",
        archived_at=WHEN + timedelta(hours=1, microseconds=number),
    )


@pytest.fixture(scope="module")
def many() -> list[CatalogEntry]:
    """Two and a half row groups of entries, written out of key order."""
    count = ROWS * 5 // 2
    return [entry(f"20250410/{n % 7}/{n:06d}_ä.csv", n) for n in reversed(range(count))]


@pytest.fixture(scope="module")
def many_manifest(many: list[CatalogEntry]) -> bytes:
    return write_parquet_manifest(many, row_group_rows=ROWS)


def test_a_manifest_reads_back_entry_for_entry_in_key_order(
    many: list[CatalogEntry], many_manifest: bytes
) -> None:
    read = list(read_parquet_manifest(io.BytesIO(many_manifest)))

    assert read == sorted(many, key=lambda each: each.key)
    assert pq.ParquetFile(io.BytesIO(many_manifest)).num_row_groups == 3


def test_a_key_is_found_reading_only_the_row_group_that_can_hold_it(
    many: list[CatalogEntry], many_manifest: bytes
) -> None:
    wanted = many[len(many) // 3]
    metadata = pq.ParquetFile(io.BytesIO(many_manifest)).metadata
    key_column = metadata.schema.to_arrow_schema().get_field_index("key")
    holding = [
        index
        for index in range(metadata.num_row_groups)
        if metadata.row_group(index).column(key_column).statistics.min
        <= wanted.key
        <= metadata.row_group(index).column(key_column).statistics.max
    ]

    assert find_in_parquet_manifest(io.BytesIO(many_manifest), wanted.key) == [wanted]
    assert len(holding) == 1  # the statistics single out one row group of three


def test_an_unknown_key_finds_nothing(many_manifest: bytes) -> None:
    assert find_in_parquet_manifest(io.BytesIO(many_manifest), "20250410/0/missing.csv") == []
    assert find_in_parquet_manifest(io.BytesIO(many_manifest), "zzz") == []


def test_a_prefix_finds_every_entry_under_it_in_key_order(
    many: list[CatalogEntry], many_manifest: bytes
) -> None:
    under = sorted((each for each in many if each.key.startswith("20250410/3/")), key=_by_key)

    assert entries_under_prefix(io.BytesIO(many_manifest), "20250410/3/") == under
    assert entries_under_prefix(io.BytesIO(many_manifest), "20250410/") == sorted(many, key=_by_key)
    assert entries_under_prefix(io.BytesIO(many_manifest), "20250410/7/") == []
    assert entries_under_prefix(io.BytesIO(many_manifest), "2025041") == sorted(many, key=_by_key)


def _by_key(each: CatalogEntry) -> tuple[str, str]:
    return each.key, each.etag


def test_every_archived_version_of_a_key_is_found() -> None:
    versions = [entry("a/x.csv", 1, etag='"b"'), entry("a/x.csv", 2, etag='"a"')]
    manifest = write_parquet_manifest([*versions, entry("a/y.csv", 3)])

    found = find_in_parquet_manifest(io.BytesIO(manifest), "a/x.csv")

    assert [each.etag for each in found] == ['"a"', '"b"']


def test_long_keys_keep_exact_statistics() -> None:
    # Keys of 1,024 bytes that differ only at the end: truncated statistics would lose them.
    stem = "k/" + "x" * 1000
    entries = [entry(f"{stem}{n:022d}", n) for n in range(3)]
    manifest = write_parquet_manifest(entries)

    for each in entries:
        assert find_in_parquet_manifest(io.BytesIO(manifest), each.key) == [each]


def test_a_jsonl_manifest_converts_entry_for_entry() -> None:
    entries = [entry(f"2025-04/ä/{n}\n.csv", n) for n in range(20)]
    body = ManifestBuffer()
    for each in entries:
        body.add(each)

    converted = jsonl_to_parquet(body.finish())

    assert list(read_parquet_manifest(io.BytesIO(converted))) == sorted(
        entries, key=lambda each: each.key
    )
