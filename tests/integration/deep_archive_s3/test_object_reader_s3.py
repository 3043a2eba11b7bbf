"""Bulk GETs with obstore against S3 (moto over HTTP): order, look-ahead, If-Match, streaming."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pytest

from strongroom.deep_archive.adapters.object_reader import (
    FailureReason,
    FetchFailure,
    FetchResult,
    InMemoryObject,
    ObjectReader,
    ReaderLimits,
    StreamedObject,
)
from strongroom.deep_archive.adapters.source_listing import SkipTally, list_source
from strongroom.deep_archive.domain.grouping import SourceObject
from tests.integration.deep_archive_s3.conftest import StoreFor

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

pytestmark = pytest.mark.integration

MIB = 1024 * 1024


def listed(s3: S3Client, bucket: str, prefix: str = "") -> list[SourceObject]:
    return list(list_source(s3, bucket, prefix, on_skipped=SkipTally()))


def content(result: FetchResult) -> bytes:
    match result:
        case InMemoryObject(data=data):
            return bytes(data)
        case StreamedObject(chunks=chunks):
            return b"".join(bytes(chunk) for chunk in chunks)
        case FetchFailure(reason=reason, detail=detail):
            raise AssertionError(f"{result.planned.key} failed: {reason}: {detail}")


class CountingSource:
    def __init__(self, planned: Iterable[SourceObject]) -> None:
        self._planned = list(planned)
        self.pulled = 0

    def __iter__(self) -> Iterator[SourceObject]:
        for source in self._planned:
            self.pulled += 1
            yield source


def test_three_hundred_objects_come_back_in_order_within_the_window(
    s3: S3Client, bucket: str, store_for: StoreFor
) -> None:
    # Given 300 small objects of varied sizes, listed
    rng = random.Random(300)
    data = {f"daily/{index:05d}.csv": rng.randbytes(rng.randrange(0, 4096)) for index in range(300)}
    for key, body in data.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    source = CountingSource(listed(s3, bucket, "daily/"))
    # When they are fetched 16 at a time with a window of 32
    limits = ReaderLimits(max_in_flight=16, window=32)
    received: list[tuple[str, bytes]] = []
    with ObjectReader(store_for(bucket), limits=limits) as reader:
        for consumed, result in enumerate(reader.fetch(source), start=1):
            assert source.pulled <= consumed + 32
            received.append((result.planned.key, content(result)))
    # Then all came back whole, in key order
    assert received == sorted(data.items())
    assert reader.stats.in_memory == 300
    assert reader.stats.failures == {}


def test_objects_rewritten_or_deleted_after_listing_fail_alone(
    s3: S3Client, bucket: str, store_for: StoreFor
) -> None:
    for key in ("a", "b", "c", "d"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode() * 10)
    planned = listed(s3, bucket)
    s3.put_object(Bucket=bucket, Key="b", Body=b"rewritten after the listing")
    s3.delete_object(Bucket=bucket, Key="c")
    with ObjectReader(store_for(bucket)) as reader:
        results = list(reader.fetch(planned))
    outcome = {
        result.planned.key: result.reason if isinstance(result, FetchFailure) else "ok"
        for result in results
    }
    assert outcome == {
        "a": "ok",
        "b": FailureReason.CHANGED,
        "c": FailureReason.MISSING,
        "d": "ok",
    }
    assert content(results[3]) == b"d" * 10


def test_a_large_object_streams_in_ranges(s3: S3Client, bucket: str, store_for: StoreFor) -> None:
    data = random.Random(3).randbytes(3 * MIB + 123)
    s3.put_object(Bucket=bucket, Key="large.bin", Body=data)
    (planned,) = listed(s3, bucket)
    limits = ReaderLimits(in_memory_max=MIB, chunk_size=512 * 1024)
    with ObjectReader(store_for(bucket), limits=limits) as reader:
        (result,) = reader.fetch([planned])
        assert isinstance(result, StreamedObject)
        assert content(result) == data
    assert reader.stats.range_requests == 6  # ranges after the first of seven
    assert result.details.size == len(data)


def test_content_type_metadata_and_version_come_from_the_get(
    s3: S3Client, bucket: str, store_for: StoreFor
) -> None:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    put = s3.put_object(
        Bucket=bucket,
        Key="reports/q1.csv",
        Body=b"account,amount\n",
        ContentType="text/csv",
        Metadata={"source-system": "ledger", "Approved-By": "qc"},
    )
    (planned,) = listed(s3, bucket)
    with ObjectReader(store_for(bucket)) as reader:
        (result,) = reader.fetch([planned])
    assert isinstance(result, InMemoryObject)
    details = result.details
    assert details.content_type == "text/csv"
    assert details.metadata == {"source-system": "ledger", "approved-by": "qc"}
    assert details.etag == put["ETag"] == planned.etag
    assert details.version_id == put["VersionId"]
    assert details.size == 15
    assert details.last_modified.utcoffset() is not None


def test_an_object_in_deep_archive_is_reported_as_needing_a_restore(
    s3: S3Client, bucket: str, store_for: StoreFor
) -> None:
    s3.put_object(Bucket=bucket, Key="cold", Body=b"frozen", StorageClass="DEEP_ARCHIVE")
    head = s3.head_object(Bucket=bucket, Key="cold")
    planned = SourceObject(
        key="cold", size=6, etag=head["ETag"], last_modified=head["LastModified"]
    )
    with ObjectReader(store_for(bucket)) as reader:
        (result,) = reader.fetch([planned])
    assert isinstance(result, FetchFailure)
    assert result.reason is FailureReason.NOT_READABLE
