"""The unchanged-file skip over archive records in DynamoDB and manifests in S3 (moto): the
in-memory scenarios again, and the manifest read in ranged GETs of two columns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.deep_archive.adapters.archive_record_store import DynamoDBArchiveRecords
from strongroom.deep_archive.adapters.manifest_etags import S3ManifestEtags
from strongroom.deep_archive.adapters.multipart_sink import put_readable
from strongroom.deep_archive.adapters.parquet_manifest import write_parquet_manifest
from strongroom.deep_archive.domain.archive_records import ArchiveRecord, archive_record
from tests.integration.deep_archive_api.tables import CATALOG_TABLE, create_catalog_table
from tests.unit.deep_archive.test_parquet_manifest import entry
from tests.unit.deep_archive.test_unchanged_files import (
    World,
    packed,
    test_a_listing_out_of_key_order_is_refused,
    test_files_archived_with_their_etag_are_unchanged_whichever_job_archived_them,
    test_only_archives_overlapping_the_prefix_are_candidates,
)

__all__ = [
    "test_a_listing_out_of_key_order_is_refused",
    "test_files_archived_with_their_etag_are_unchanged_whichever_job_archived_them",
    "test_only_archives_overlapping_the_prefix_are_candidates",
]
ARCHIVE_BUCKET = "strongroom-archive"  # the bucket tests.unit...entry() names


class S3Manifests:
    """Manifests put where the packer puts them, read back by the planner's adapter."""

    def __init__(self, s3: Any) -> None:
        self._s3 = s3
        self._reader = S3ManifestEtags(s3)

    def put(self, bucket: str, key: str, manifest: bytes) -> None:
        put_readable(self._s3, bucket, key, manifest, "application/vnd.apache.parquet")

    def rows(self, record: ArchiveRecord) -> Iterator[tuple[str, str]]:
        return self._reader.rows(record)


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any]]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        s3 = boto3.client("s3", region_name="us-east-1")
        create_catalog_table(dynamodb)
        s3.create_bucket(Bucket=ARCHIVE_BUCKET)
        yield dynamodb, s3


@pytest.fixture
def world(aws: tuple[Any, Any]) -> World:
    dynamodb, s3 = aws
    return packed(World(DynamoDBArchiveRecords(CATALOG_TABLE, dynamodb), S3Manifests(s3)))


def test_a_manifest_is_read_in_key_order_with_few_ranged_gets(aws: tuple[Any, Any]) -> None:
    # Given a manifest of 3,000 rows in three row groups, written out of order
    _, s3 = aws
    entries = [entry(f"d/{n:05d}.csv", n) for n in reversed(range(3000))]
    s3.put_object(
        Bucket=ARCHIVE_BUCKET,
        Key="m.parquet",
        Body=write_parquet_manifest(entries, row_group_rows=1000),
    )
    record = archive_record(entries, "m.parquet")
    assert record is not None
    calls: list[str] = []
    s3.meta.events.register("before-call.s3.GetObject", lambda **_: calls.append("GET"))

    # When its rows are read for the merge
    rows = list(S3ManifestEtags(s3).rows(record))

    # Then every (key, ETag) comes back in key order, with a GET for the footer and at most
    # one per row group
    assert rows == sorted((each.key, each.etag) for each in entries)
    assert 1 <= len(calls) <= 1 + 3
