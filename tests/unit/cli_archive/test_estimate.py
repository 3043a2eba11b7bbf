"""An estimate lists the source once, plans it as a job would, and prices both options."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

import pytest

from strongroom.cli.archive_options import build_estimate_options
from strongroom.cli.archive_views import source_estimate_view
from strongroom.deep_archive.adapters.source_listing import SkipReason
from strongroom.deep_archive.domain.grouping import SourceObject, megabytes
from strongroom.deep_archive.services.estimating import (
    PROGRESS_EVERY,
    UnpricedRegionError,
    estimate_source,
    price_region,
)
from tests.support.listing import planned
from tests.unit.cli_archive.support import rendered

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MODIFIED = datetime(2026, 10, 31, 23, 0, tzinfo=UTC)
PAGE_SIZE = 3


@dataclass
class FakeMeta:
    region_name: str


@dataclass
class FakeS3:
    """ListObjectsV2 over an in-memory bucket, a few keys per page."""

    objects: dict[str, tuple[int, str]]  # key -> (size, storage class)
    meta: FakeMeta = field(default_factory=lambda: FakeMeta("eu-west-1"))
    listed: list[tuple[str, str]] = field(default_factory=list)

    def get_paginator(self, operation: str) -> FakeS3:
        assert operation == "list_objects_v2"
        return self

    def paginate(self, *, Bucket: str, Prefix: str) -> Iterator[dict[str, Any]]:
        self.listed.append((Bucket, Prefix))
        keys = sorted(key for key in self.objects if key.startswith(Prefix))
        for start in range(0, len(keys), PAGE_SIZE):
            yield {
                "Contents": [
                    {
                        "Key": key,
                        "Size": self.objects[key][0],
                        "ETag": '"etag"',
                        "LastModified": MODIFIED,
                        "StorageClass": self.objects[key][1],
                    }
                    for key in keys[start : start + PAGE_SIZE]
                ]
            }


def listing(fake: FakeS3) -> S3Client:
    return cast("S3Client", fake)


def options(**changes: Any) -> Any:
    values = {
        "bucket": "finance-src",
        "prefix": "daily/",
        "storage_class": "DEEP_ARCHIVE",
        "file_count": 4,
        "archive_size_mb": 1,
    }
    return build_estimate_options({**values, **changes})


def bucket() -> FakeS3:
    objects = {f"daily/file-{index:02d}.csv": (100_000 + index, "STANDARD") for index in range(10)}
    objects["daily/old.csv"] = (5_000, "DEEP_ARCHIVE")
    objects["daily/folder/"] = (0, "STANDARD")
    objects["monthly/other.csv"] = (7, "STANDARD")
    return FakeS3(objects)


def test_the_estimate_counts_what_a_job_would_archive_and_plans_it_exactly() -> None:
    s3 = bucket()

    result = estimate_source(listing(s3), options(), region="eu-west-1")

    assert s3.listed == [("finance-src", "daily/")]
    assert result.listed.files == 10
    assert result.listed.bytes == sum(100_000 + index for index in range(10))
    archivable = [
        SourceObject(f"daily/file-{index:02d}.csv", 100_000 + index, '"etag"', MODIFIED)
        for index in range(10)
    ]
    plan = planned(
        archivable,
        max_files=4,
        max_bytes=megabytes(1),
        output_prefix="",
        project="any",
        run_label="any",
    )
    assert result.cost.archive_count == len(plan) == 3
    assert result.skipped.counts == {SkipReason.RESTORE_REQUIRED: 1, SkipReason.FOLDER_MARKER: 1}
    assert (result.cost.region, result.cost.storage_class) == ("eu-west-1", "DEEP_ARCHIVE")
    assert not any("archive count estimated" in note for note in result.cost.notes)


def test_the_byte_limit_closes_archives_too() -> None:
    s3 = FakeS3({f"daily/{index}.bin": (200_000, "STANDARD") for index in range(10)})

    result = estimate_source(
        listing(s3), options(file_count=1000, archive_size_mb=1), region="us-east-1"
    )

    # Five of 200,000 bytes fit one MiB with their zip headers, a sixth does not.
    assert result.cost.archive_count == 2


def test_progress_is_reported_while_listing_and_once_at_the_end() -> None:
    many = {f"daily/{index:05d}": (1, "STANDARD") for index in range(PROGRESS_EVERY * 2 + 5)}
    reports: list[tuple[int, int]] = []

    estimate_source(
        listing(FakeS3(many)),
        options(file_count=200_000, archive_size_mb=100),
        region="eu-west-1",
        on_progress=lambda files, size: reports.append((files, size)),
    )

    assert reports == [
        (PROGRESS_EVERY, PROGRESS_EVERY),
        (PROGRESS_EVERY * 2, PROGRESS_EVERY * 2),
        (PROGRESS_EVERY * 2 + 5, PROGRESS_EVERY * 2 + 5),
    ]


def test_the_estimate_view_shows_histogram_costs_skipped_objects_and_notes() -> None:
    result = estimate_source(listing(bucket()), options(), region="eu-west-1")

    text = rendered(source_estimate_view(result), width=250)

    assert "object sizes" in text
    assert "10 KiB - 128 KiB" in text
    assert "cost estimate" in text
    assert result.cost.verdict in text
    assert "1 objects: in an archive storage class" in text
    assert "1 objects: folder marker" in text
    assert "GB = 2^30 bytes" in text


def test_a_region_without_prices_is_refused_naming_the_priced_ones() -> None:
    with pytest.raises(UnpricedRegionError, match="eu-west-1, us-east-1"):
        estimate_source(listing(bucket()), options(), region="ap-south-2")


@pytest.mark.parametrize(
    ("region", "priced", "substituted"),
    [
        ("eu-west-1", "eu-west-1", False),
        ("ap-south-2", "us-east-1", True),
        (None, "us-east-1", True),
    ],
)
def test_an_unpriced_default_region_falls_back_with_a_note(
    region: str | None, priced: str, substituted: bool
) -> None:
    chosen, note = price_region(region)

    assert chosen == priced
    assert (note is not None) is substituted
