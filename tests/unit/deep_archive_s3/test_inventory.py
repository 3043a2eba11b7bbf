"""S3 Inventory reports: the manifest, and gzip CSV data files read as they stream."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from datetime import UTC, datetime

import pytest

from strongroom.deep_archive.adapters.source_listing import (
    InventoryError,
    SkipReason,
    SkipTally,
    parse_manifest,
    read_inventory_file,
)
from strongroom.deep_archive.domain.grouping import SourceObject

MANIFEST = {
    "sourceBucket": "finance-source",
    "destinationBucket": "arn:aws:s3:::finance-inventory",
    "version": "2016-11-30",
    "creationTimestamp": "1744246800000",
    "fileFormat": "CSV",
    "fileSchema": "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass",
    "files": [
        {
            "key": "finance-source/daily/data/4f1c.csv.gz",
            "size": 1234,
            "MD5checksum": "0f343b0931126a20f133d67c2b018a3b",
        }
    ],
}


def manifest_bytes(**changes: object) -> bytes:
    return json.dumps({**MANIFEST, **changes}).encode()


def gz_csv(rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    for row in rows:
        text.write(",".join(f'"{value}"' for value in row) + "\n")
    return gzip.compress(text.getvalue().encode())


def read(
    data: bytes,
    columns: tuple[str, ...],
    prefix: str = "",
    md5: str | None = None,
) -> tuple[list[SourceObject], SkipTally]:
    tally = SkipTally()
    objects = list(
        read_inventory_file(io.BytesIO(data), columns, prefix=prefix, on_skipped=tally, md5=md5)
    )
    return objects, tally


COLUMNS = ("Bucket", "Key", "Size", "LastModifiedDate", "ETag", "StorageClass")


def test_the_manifest_gives_columns_in_order_files_and_the_destination_bucket() -> None:
    manifest = parse_manifest(manifest_bytes(), manifest_bucket="elsewhere")
    assert manifest.columns == COLUMNS
    assert manifest.source_bucket == "finance-source"
    assert manifest.destination_bucket == "finance-inventory"
    (data_file,) = manifest.files
    assert data_file.key == "finance-source/daily/data/4f1c.csv.gz"
    assert data_file.md5 == "0f343b0931126a20f133d67c2b018a3b"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fileFormat": "Parquet"}, "fileFormat 'Parquet' is not supported"),
        ({"fileSchema": "Bucket, Key, Size"}, "lacks LastModifiedDate, ETag"),
        ({"files": None}, "no files list"),
        ({"sourceBucket": None}, "no sourceBucket"),
    ],
)
def test_a_manifest_the_reader_cannot_use_is_refused(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(InventoryError, match=message):
        parse_manifest(manifest_bytes(**changes), manifest_bucket="b")


def test_url_encoded_keys_are_decoded_with_plus_as_space() -> None:
    data = gz_csv(
        [
            ["src", "2025/04/q1+report.csv", "10", "2025-04-09T12:00:00.000Z", "aa", "STANDARD"],
            ["src", "2025/04/a%2Bb%C3%A9.csv", "11", "2025-04-09T12:00:00.000Z", "bb", "STANDARD"],
        ]
    )
    objects, _ = read(data, COLUMNS)
    assert [source.key for source in objects] == ["2025/04/q1 report.csv", "2025/04/a+bé.csv"]


def test_fields_follow_the_schema_order_and_etags_are_quoted_like_listings() -> None:
    columns = ("Bucket", "Size", "ETag", "Key", "LastModifiedDate")
    data = gz_csv(
        [["src", "42", "9b2cf535f27731c974343645a3985328", "a/b.csv", "2025-04-09T23:59:58.123Z"]]
    )
    (source,), _ = read(data, columns)
    assert source == SourceObject(
        key="a/b.csv",
        size=42,
        etag='"9b2cf535f27731c974343645a3985328"',
        last_modified=datetime(2025, 4, 9, 23, 59, 58, 123000, tzinfo=UTC),
    )


def test_only_keys_under_the_prefix_are_listed() -> None:
    rows = [
        ["src", key, "1", "2025-04-09T00:00:00.000Z", "e", "STANDARD"]
        for key in ("20250410/a", "20250410/b", "20250411/a", "2025041/x")
    ]
    objects, _ = read(gz_csv(rows), COLUMNS, prefix="20250410/")
    assert [source.key for source in objects] == ["20250410/a", "20250410/b"]


def test_archived_objects_and_folder_markers_are_reported_not_dropped() -> None:
    columns = (*COLUMNS, "IntelligentTieringAccessTier")
    rows = [
        ["src", "p/keep", "5", "2025-04-09T00:00:00.000Z", "e", "STANDARD", ""],
        ["src", "p/deep", "7", "2025-04-09T00:00:00.000Z", "e", "DEEP_ARCHIVE", ""],
        ["src", "p/glacier", "8", "2025-04-09T00:00:00.000Z", "e", "GLACIER", ""],
        ["src", "p/tiered", "9", "2025-04-09T00:00:00.000Z", "e", "INTELLIGENT_TIERING", "ARCHIVE"],
        ["src", "p/warm", "3", "2025-04-09T00:00:00.000Z", "e", "INTELLIGENT_TIERING", "FREQUENT"],
        ["src", "p/folder/", "0", "2025-04-09T00:00:00.000Z", "e", "STANDARD", ""],
    ]
    objects, tally = read(gz_csv(rows), columns)
    assert [source.key for source in objects] == ["p/keep", "p/warm"]
    assert tally.counts == {SkipReason.RESTORE_REQUIRED: 3, SkipReason.FOLDER_MARKER: 1}
    assert tally.bytes[SkipReason.RESTORE_REQUIRED] == 24
    assert tally.samples[SkipReason.FOLDER_MARKER] == ["p/folder/"]


def test_a_versioned_report_lists_only_current_versions() -> None:
    columns = ("Bucket", "Key", "VersionId", "IsLatest", "IsDeleteMarker", "Size",
               "LastModifiedDate", "ETag")  # fmt: skip
    rows = [
        ["src", "a", "v2", "true", "false", "4", "2025-04-09T00:00:00.000Z", "e2"],
        ["src", "a", "v1", "false", "false", "3", "2025-04-08T00:00:00.000Z", "e1"],
        ["src", "gone", "v9", "true", "true", "", "2025-04-09T00:00:00.000Z", ""],
    ]
    objects, tally = read(gz_csv(rows), columns)
    assert [(source.key, source.version_id, source.size) for source in objects] == [("a", "v2", 4)]
    assert tally.total == 0


def test_the_data_file_is_checked_against_the_manifest_md5() -> None:
    data = gz_csv([["src", "a", "1", "2025-04-09T00:00:00.000Z", "e", "STANDARD"]])
    good = hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert len(read(data, COLUMNS, md5=good)[0]) == 1
    with pytest.raises(InventoryError, match="MD5"):
        read(data, COLUMNS, md5="0" * 32)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["src", "a", "1"], "row 1 has 3 fields, expected 6"),
        (["src", "a", "many", "2025-04-09T00:00:00.000Z", "e", "STANDARD"], "row 1 .'a'."),
        (["src", "a", "1", "yesterday", "e", "STANDARD"], "row 1 .'a'."),
    ],
)
def test_a_malformed_row_is_an_inventory_error_naming_the_row(row: list[str], message: str) -> None:
    with pytest.raises(InventoryError, match=message):
        read(gz_csv([row]), COLUMNS)
