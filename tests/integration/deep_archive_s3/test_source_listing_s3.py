"""Source listings from S3 (moto): ListObjectsV2, and an S3 Inventory report stored in S3."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC
from typing import TYPE_CHECKING

import pytest

from strongroom.deep_archive.adapters.source_listing import (
    InventoryError,
    SkipReason,
    SkipTally,
    list_source,
    read_inventory,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

pytestmark = pytest.mark.integration


def test_the_listing_reports_archived_objects_and_folder_markers_apart(
    s3: S3Client, bucket: str
) -> None:
    # Given readable files, one in DEEP_ARCHIVE, one in GLACIER, a folder marker, another prefix
    for key, storage_class in [
        ("20250410/b.csv", "STANDARD"),
        ("20250410/a.csv", "STANDARD_IA"),
        ("20250410/old.csv", "DEEP_ARCHIVE"),
        ("20250410/older.csv", "GLACIER"),
        ("20250411/c.csv", "STANDARD"),
    ]:
        s3.put_object(Bucket=bucket, Key=key, Body=b"data", StorageClass=storage_class)
    s3.put_object(Bucket=bucket, Key="20250410/sub/", Body=b"")
    tally = SkipTally()
    # When the prefix is listed
    objects = list(list_source(s3, bucket, "20250410/", on_skipped=tally))
    # Then readable files come in key order, the rest are reported with their reason
    assert [source.key for source in objects] == ["20250410/a.csv", "20250410/b.csv"]
    assert [source.storage_class for source in objects] == ["STANDARD_IA", "STANDARD"]
    assert all(source.etag.startswith('"') for source in objects)
    assert all(source.last_modified.tzinfo is UTC for source in objects)
    assert tally.counts == {SkipReason.RESTORE_REQUIRED: 2, SkipReason.FOLDER_MARKER: 1}
    assert sorted(tally.samples[SkipReason.RESTORE_REQUIRED]) == [
        "20250410/old.csv",
        "20250410/older.csv",
    ]


def put_inventory(
    s3: S3Client, bucket: str, rows: list[list[str]], *, md5: str | None = None
) -> str:
    csv_text = "".join(",".join(f'"{value}"' for value in row) + "\n" for row in rows)
    data = gzip.compress(csv_text.encode())
    data_key = "inventory/source/daily/data/0001.csv.gz"
    s3.put_object(Bucket=bucket, Key=data_key, Body=data)
    manifest = {
        "sourceBucket": "finance-source",
        "destinationBucket": f"arn:aws:s3:::{bucket}",
        "version": "2016-11-30",
        "creationTimestamp": "1744246800000",
        "fileFormat": "CSV",
        "fileSchema": "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass",
        "files": [
            {
                "key": data_key,
                "size": len(data),
                "MD5checksum": md5 or hashlib.md5(data, usedforsecurity=False).hexdigest(),
            }
        ],
    }
    manifest_key = "inventory/source/daily/2025-04-10T01-00Z/manifest.json"
    s3.put_object(Bucket=bucket, Key=manifest_key, Body=json.dumps(manifest).encode())
    return f"s3://{bucket}/{manifest_key}"


ROWS = [
    [
        "finance-source",
        "20250410/q1+summary.csv",
        "12",
        "2025-04-09T22:00:00.000Z",
        "a1",
        "STANDARD",
    ],
    ["finance-source", "20250410/deep.csv", "9", "2025-04-01T22:00:00.000Z", "b2", "DEEP_ARCHIVE"],
    ["finance-source", "20250411/other.csv", "5", "2025-04-10T22:00:00.000Z", "c3", "STANDARD"],
]


def test_an_inventory_report_stored_in_s3_lists_the_prefix(s3: S3Client, bucket: str) -> None:
    manifest_uri = put_inventory(s3, bucket, ROWS)
    tally = SkipTally()
    objects = list(
        read_inventory(
            s3, manifest_uri, prefix="20250410/", on_skipped=tally, source_bucket="finance-source"
        )
    )
    assert [(source.key, source.size, source.etag) for source in objects] == [
        ("20250410/q1 summary.csv", 12, '"a1"')
    ]
    assert tally.samples == {SkipReason.RESTORE_REQUIRED: ["20250410/deep.csv"]}


def test_an_inventory_of_another_bucket_is_refused(s3: S3Client, bucket: str) -> None:
    manifest_uri = put_inventory(s3, bucket, ROWS)
    with pytest.raises(InventoryError, match="lists bucket 'finance-source'"):
        list(
            read_inventory(
                s3, manifest_uri, prefix="", on_skipped=SkipTally(), source_bucket="other-bucket"
            )
        )


def test_an_inventory_file_that_does_not_match_its_manifest_md5_is_refused(
    s3: S3Client, bucket: str
) -> None:
    manifest_uri = put_inventory(s3, bucket, ROWS, md5="0" * 32)
    with pytest.raises(InventoryError, match="MD5"):
        list(read_inventory(s3, manifest_uri, prefix="", on_skipped=SkipTally()))
