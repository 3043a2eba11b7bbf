"""ListingTally counts a streamed listing exactly as the whole-list functions would."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from strongroom.deep_archive.domain.cost import InventorySummary
from strongroom.deep_archive.domain.grouping import (
    KIB,
    SIZE_BUCKET_BOUNDS,
    SMALL_OBJECT_BYTES,
    SourceObject,
)
from strongroom.deep_archive.domain.tally import ListingTally

MODIFIED = datetime(2025, 4, 10, tzinfo=UTC)
BOUNDS = [bound for bound, _ in SIZE_BUCKET_BOUNDS]

# Sizes on and beside every bucket boundary, and anywhere up to past the largest bound.
edge_sizes = st.sampled_from([0, *(bound + delta for bound in BOUNDS for delta in (-1, 0, 1))])
sizes = st.one_of(edge_sizes, st.integers(min_value=0, max_value=2 * BOUNDS[-1]))
keys = st.text(alphabet="ab/é_9€", min_size=1, max_size=10)
listings = st.lists(
    st.builds(
        lambda key, size: SourceObject(key=key, size=size, etag='"e"', last_modified=MODIFIED),
        keys,
        sizes,
    ),
    max_size=40,
)


def tally(objects: list[SourceObject]) -> ListingTally:
    counted = ListingTally()
    for source in objects:
        counted.add(source)
    return counted


@given(listings)
def test_the_histogram_is_the_one_of_the_whole_listing(objects: list[SourceObject]) -> None:
    buckets = tally(objects).histogram()

    for bucket in buckets:
        inside = [
            item.size
            for item in objects
            if bucket.lower <= item.size and (bucket.upper is None or item.size < bucket.upper)
        ]
        assert (bucket.count, bucket.total_bytes) == (len(inside), sum(inside))


@given(listings)
def test_the_summary_is_the_one_of_the_whole_listing(objects: list[SourceObject]) -> None:
    counted = tally(objects)
    small = [item.size for item in objects if item.size < SMALL_OBJECT_BYTES]
    summary = counted.summary()
    assert (summary.small_object_count, summary.small_object_bytes) == (len(small), sum(small))
    assert summary.key_bytes == sum(item.name_bytes for item in objects)
    assert (counted.files, counted.bytes) == (len(objects), sum(item.size for item in objects))


def test_totals_count_small_objects_and_key_bytes_at_the_boundaries() -> None:
    # Given objects on both sides of the 128 KiB small-object threshold, one with a 3-byte char
    objects = [
        SourceObject(key="a/€.csv", size=0, etag='"e"', last_modified=MODIFIED),
        SourceObject(key="a/1", size=SMALL_OBJECT_BYTES - 1, etag='"e"', last_modified=MODIFIED),
        SourceObject(key="a/2", size=SMALL_OBJECT_BYTES, etag='"e"', last_modified=MODIFIED),
    ]
    # When they are tallied one by one
    counted = tally(objects)
    # Then only the first two are small and the euro sign counts three bytes
    assert counted.files == 3
    assert counted.bytes == 2 * SMALL_OBJECT_BYTES - 1
    assert (counted.small_files, counted.small_bytes) == (2, SMALL_OBJECT_BYTES - 1)
    assert counted.key_bytes == len("a/€.csv".encode()) + 3 + 3
    by_label = {bucket.label: bucket.count for bucket in counted.histogram()}
    assert by_label["< 1 KiB"] == 1
    assert by_label["10 KiB - 128 KiB"] == 1
    assert by_label["128 KiB - 1 MiB"] == 1


def test_an_empty_tally_lists_every_bucket_empty() -> None:
    counted = ListingTally()
    assert counted.summary() == InventorySummary(0, 0, 0, 0, 0)
    histogram = counted.histogram()
    assert len(histogram) == len(SIZE_BUCKET_BOUNDS) + 1
    assert all(bucket.count == 0 and bucket.total_bytes == 0 for bucket in histogram)
    assert histogram[0].upper == KIB
    assert histogram[-1].upper is None
