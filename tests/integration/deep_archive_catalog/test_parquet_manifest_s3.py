"""A full key found in a Parquet manifest in S3 (moto) with two ranged GETs: footer, row group."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from strongroom.deep_archive.adapters.parquet_manifest import (
    RangedS3Object,
    entries_under_prefix,
    find_in_parquet_manifest,
    read_parquet_manifest,
    write_parquet_manifest,
)
from tests.unit.deep_archive.test_parquet_manifest import entry

ROWS = 1000

BUCKET = "strongroom-archive"
KEY = "demo-20250410/demo/job/part-000000.zip.manifest.parquet"


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


@pytest.fixture
def stored(s3: Any) -> list[Any]:
    entries = [entry(f"20250410/{n:06d}.csv", n) for n in range(ROWS * 3)]
    s3.put_object(
        Bucket=BUCKET,
        Key=KEY,
        Body=write_parquet_manifest(entries, row_group_rows=ROWS),
        StorageClass="STANDARD_IA",
    )
    return entries


def test_a_key_costs_two_ranged_gets(s3: Any, stored: list[Any]) -> None:
    wanted = stored[ROWS + 17]
    size = s3.head_object(Bucket=BUCKET, Key=KEY)["ContentLength"]
    source = RangedS3Object(s3, BUCKET, KEY)

    assert find_in_parquet_manifest(source, wanted.key) == [wanted]
    assert source.gets == 2  # no HEAD: the suffix range's answer tells the size
    assert size > 64 * 1024  # more than the footer read: not read in one go


def test_a_prefix_inside_one_row_group_costs_two_ranged_gets(s3: Any, stored: list[Any]) -> None:
    source = RangedS3Object(s3, BUCKET, KEY)

    found = entries_under_prefix(source, "20250410/0011")

    assert found == stored[1100:1200]  # 001100 .. 001199, all in the second row group
    assert source.gets == 2  # the footer, then that row group only


def test_a_manifest_smaller_than_the_footer_read_takes_one_get(s3: Any) -> None:
    entries = [entry(f"a/{n}.csv", n) for n in range(3)]
    s3.put_object(Bucket=BUCKET, Key="small.parquet", Body=write_parquet_manifest(entries))
    source = RangedS3Object(s3, BUCKET, "small.parquet")

    assert find_in_parquet_manifest(source, "a/1.csv") == [entries[1]]
    assert source.gets == 1


def test_the_whole_manifest_reads_back_through_ranged_gets(s3: Any, stored: list[Any]) -> None:
    assert list(read_parquet_manifest(RangedS3Object(s3, BUCKET, KEY))) == stored
