"""Grouping source objects into archives: limits, oversize objects, names, order, workers."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from strongroom.deep_archive.domain.grouping import (
    ARCHIVE_TRAILER_BYTES,
    GIB,
    KIB,
    ArchivePlan,
    DuplicateKeyError,
    KeyOrderError,
    SourceObject,
    archive_key,
    iter_archive_plans,
    megabytes,
    zip_overhead,
)
from tests.support.listing import planned, split_among, tallied

MODIFIED = datetime(2025, 4, 10, 3, 0, tzinfo=UTC)
NAMES = {"output_prefix": "out", "project": "acme", "run_label": "2025-04-10"}


def source(key: str, size: int = 100) -> SourceObject:
    return SourceObject(key=key, size=size, etag=f'"{key}"', last_modified=MODIFIED)


def plan(objects: list[SourceObject], *, max_files: int, max_bytes: int) -> list[ArchivePlan]:
    return planned(objects, max_files=max_files, max_bytes=max_bytes, **NAMES)


def cost(key: str, size: int) -> int:
    return size + zip_overhead(len(key.encode("utf-8")))


def test_megabytes_are_mebibytes() -> None:
    assert megabytes(1) == 1_048_576
    assert megabytes(500) == 524_288_000


@pytest.mark.parametrize("size", [0, -1])
def test_megabytes_must_be_positive(size: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        megabytes(size)


def test_zip_overhead_counts_both_headers_extras_and_descriptor() -> None:
    # local 30 + ZIP64 20 + timestamp 17, central 46 + ZIP64 28 + timestamp 17, descriptor 24
    assert zip_overhead(0) == 182
    # the name is written twice: in the local and in the central header
    assert zip_overhead(25) == 182 + 50


def test_archive_trailer_is_zip64_end_record_locator_and_classic_end_record() -> None:
    assert ARCHIVE_TRAILER_BYTES == 56 + 20 + 22


def test_count_limit_is_respected_exactly() -> None:
    objects = [source(f"k{i}") for i in range(5)]

    plans = plan(objects, max_files=2, max_bytes=GIB)

    assert [p.keys for p in plans] == [("k0", "k1"), ("k2", "k3"), ("k4",)]
    assert [p.index for p in plans] == [0, 1, 2]
    assert all(p.member_count <= 2 for p in plans)


def test_an_archive_may_fill_max_bytes_exactly_but_not_one_byte_more() -> None:
    first, second = source("a", 1000), source("b", 2000)
    exact = ARCHIVE_TRAILER_BYTES + cost("a", 1000) + cost("b", 2000)

    together = plan([first, second], max_files=10, max_bytes=exact)
    apart = plan([first, second], max_files=10, max_bytes=exact - 1)

    assert [p.keys for p in together] == [("a", "b")]
    assert together[0].archive_bytes == exact
    assert [p.keys for p in apart] == [("a",), ("b",)]
    assert all(p.archive_bytes <= exact - 1 for p in apart)


def test_totals_are_source_bytes_and_archive_bytes_include_headers() -> None:
    objects = [source("x/1", 10), source("x/22", 20)]

    (only,) = plan(objects, max_files=10, max_bytes=GIB)

    assert only.total_bytes == 30
    assert only.archive_bytes == ARCHIVE_TRAILER_BYTES + cost("x/1", 10) + cost("x/22", 20)
    assert only.keys == ("x/1", "x/22")


def test_an_object_larger_than_max_bytes_gets_an_archive_of_its_own() -> None:
    max_bytes = 10_000
    objects = [source("a", 10), source("b", 50_000), source("c", 10), source("d", 10)]

    plans = plan(objects, max_files=10, max_bytes=max_bytes)

    assert [p.keys for p in plans] == [("a",), ("b",), ("c", "d")]
    assert [p.oversize for p in plans] == [False, True, False]
    assert plans[1].archive_bytes == ARCHIVE_TRAILER_BYTES + cost("b", 50_000)
    assert [p.archive_bytes <= max_bytes for p in plans] == [True, False, True]


def test_an_object_that_exactly_fits_alone_is_not_oversize() -> None:
    size = 5_000
    max_bytes = ARCHIVE_TRAILER_BYTES + cost("big", size)

    (only,) = plan([source("big", size)], max_files=10, max_bytes=max_bytes)

    assert only.oversize is False
    assert only.archive_bytes == max_bytes


def test_input_order_does_not_matter_and_archives_follow_key_order() -> None:
    objects = [source(f"p/{i:03d}", 700 + i) for i in range(40)]
    shuffled = objects.copy()
    random.Random(7).shuffle(shuffled)

    from_sorted = plan(objects, max_files=7, max_bytes=4_000)
    from_shuffled = plan(shuffled, max_files=7, max_bytes=4_000)

    assert from_shuffled == from_sorted
    assert [key for p in from_shuffled for key in p.keys] == [o.key for o in objects]


def test_same_input_gives_the_same_archive_names() -> None:
    objects = [source(f"f{i}") for i in range(5)]

    names = [p.archive_key for p in plan(objects, max_files=2, max_bytes=GIB)]

    assert names == [
        "out/acme/2025-04-10/part-000000.zip",
        "out/acme/2025-04-10/part-000001.zip",
        "out/acme/2025-04-10/part-000002.zip",
    ]
    assert names == [p.archive_key for p in plan(objects, max_files=2, max_bytes=GIB)]


def test_duplicate_keys_are_rejected_naming_the_key() -> None:
    objects = [source("a"), source("dup"), source("b"), source("dup", 5)]

    with pytest.raises(DuplicateKeyError, match="'dup'") as raised:
        plan(objects, max_files=10, max_bytes=GIB)

    assert raised.value.key == "dup"


def test_a_stream_out_of_key_order_is_rejected() -> None:
    stream = iter_archive_plans([source("b"), source("a")], max_files=10, max_bytes=GIB, **NAMES)

    with pytest.raises(KeyOrderError, match="'a' came after 'b'"):
        list(stream)


def test_same_file_name_in_different_folders_stays_two_members() -> None:
    objects = [source("2025/04/report.csv", 10), source("2025/05/report.csv", 20)]

    (only,) = plan(objects, max_files=10, max_bytes=GIB)

    assert only.keys == ("2025/04/report.csv", "2025/05/report.csv")
    assert only.member_count == 2
    assert only.total_bytes == 30


def test_non_ascii_keys_are_budgeted_by_their_utf8_length() -> None:
    key = "données/été.csv"  # 15 characters, 18 bytes in UTF-8

    (only,) = plan([source(key, 0)], max_files=1, max_bytes=GIB)

    assert only.archive_bytes == ARCHIVE_TRAILER_BYTES + zip_overhead(18)


def test_no_objects_no_archives() -> None:
    assert plan([], max_files=1, max_bytes=1) == []


@pytest.mark.parametrize(("max_files", "max_bytes"), [(0, GIB), (1, 0)])
def test_limits_must_be_positive(max_files: int, max_bytes: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        plan([source("a")], max_files=max_files, max_bytes=max_bytes)


def test_bad_names_are_rejected_before_any_object_is_read() -> None:
    def listing() -> Iterator[SourceObject]:
        raise AssertionError("the listing was read")
        yield source("never")

    stream = iter_archive_plans(
        listing(), max_files=1, max_bytes=1, output_prefix="", project="", run_label="r"
    )

    with pytest.raises(ValueError, match="project must not be empty"):
        next(stream)


def test_bad_names_are_rejected_even_for_an_empty_listing() -> None:
    with pytest.raises(ValueError, match="run_label must not be empty"):
        list(
            iter_archive_plans(
                iter(()), max_files=1, max_bytes=1, output_prefix="", project="p", run_label="/"
            )
        )


@pytest.mark.parametrize(
    ("output_prefix", "project", "run_label", "expected"),
    [
        ("", "acme", "2025-04", "acme/2025-04/part-000003.zip"),
        ("/archive//deep/", "/acme/", "2025-04/", "archive/deep/acme/2025-04/part-000003.zip"),
        ("amazon-20240410", "amazon", "run-1", "amazon-20240410/amazon/run-1/part-000003.zip"),
    ],
)
def test_archive_key_normalises_slashes(
    output_prefix: str, project: str, run_label: str, expected: str
) -> None:
    assert archive_key(output_prefix, project, run_label, 3) == expected


def test_archive_key_pads_the_index_to_six_digits() -> None:
    assert archive_key("", "p", "r", 0).endswith("/part-000000.zip")
    assert archive_key("", "p", "r", 1_234_567).endswith("/part-1234567.zip")


@pytest.mark.parametrize(
    ("output_prefix", "project", "run_label", "index", "message"),
    [
        ("", "", "r", 0, "project must not be empty"),
        ("", "p", "//", 0, "run_label must not be empty"),
        ("../escape", "p", "r", 0, "output_prefix must not contain"),
        ("", "p/..", "r", 0, "project must not contain"),
        ("", "p", "./r", 0, "run_label must not contain"),
        ("", "p", "r", -1, "must not be negative"),
    ],
)
def test_archive_key_rejects_ambiguous_names(
    output_prefix: str, project: str, run_label: str, index: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        archive_key(output_prefix, project, run_label, index)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("key", "", "non-empty key"),
        ("size", -1, "must not be negative"),
        ("last_modified", datetime(2025, 4, 10), "timezone-aware"),
    ],
)
def test_source_object_validates_its_fields(field: str, value: object, message: str) -> None:
    fields: dict[str, object] = {
        "key": "k",
        "size": 1,
        "etag": '"e"',
        "last_modified": MODIFIED,
        field: value,
    }

    with pytest.raises(ValueError, match=message):
        SourceObject(**fields)  # type: ignore[arg-type]


def archives_weighing(*weights: int) -> list[ArchivePlan]:
    return [
        ArchivePlan(
            index=i,
            archive_key=f"p/r/part-{i:06d}.zip",
            objects=(source(f"k{i:04d}"),),
            total_bytes=weight,
            archive_bytes=weight,
        )
        for i, weight in enumerate(weights)
    ]


def test_workers_get_contiguous_runs_balanced_by_bytes() -> None:
    plans = archives_weighing(4, 4, 4, 4, 8, 8)

    runs = split_among(plans, 2)

    assert [[p.index for p in run] for run in runs] == [[0, 1, 2, 3], [4, 5]]


def test_every_worker_gets_an_archive_when_there_are_enough() -> None:
    plans = archives_weighing(5, 1, 1, 1)

    runs = split_among(plans, 4)

    assert [[p.index for p in run] for run in runs] == [[0], [1], [2], [3]]


def test_extra_workers_get_nothing() -> None:
    plans = archives_weighing(3, 3)

    runs = split_among(plans, 4)

    assert [[p.index for p in run] for run in runs] == [[0], [1], [], []]


def test_one_worker_gets_everything_and_no_archives_means_empty_runs() -> None:
    plans = archives_weighing(1, 2, 3)

    assert split_among(plans, 1) == [plans]
    assert split_among([], 3) == [[], [], []]


def test_workers_must_be_positive() -> None:
    with pytest.raises(ValueError, match="workers must be at least 1"):
        split_among(archives_weighing(1), 0)


def test_histogram_buckets_split_at_their_bounds() -> None:
    sizes = [0, KIB - 1, KIB, 128 * KIB - 1, 128 * KIB, GIB - 1, GIB, 5 * GIB]
    objects = [source(f"k{i}", size) for i, size in enumerate(sizes)]

    buckets = tallied(objects).histogram()

    assert [b.label for b in buckets] == [
        "< 1 KiB",
        "1 KiB - 10 KiB",
        "10 KiB - 128 KiB",
        "128 KiB - 1 MiB",
        "1 MiB - 10 MiB",
        "10 MiB - 100 MiB",
        "100 MiB - 1 GiB",
        ">= 1 GiB",
    ]
    assert [b.count for b in buckets] == [2, 1, 1, 1, 0, 0, 1, 2]
    assert [b.total_bytes for b in buckets] == [
        KIB - 1,
        KIB,
        128 * KIB - 1,
        128 * KIB,
        0,
        0,
        GIB - 1,
        6 * GIB,
    ]
    assert buckets[2].upper == buckets[3].lower == 128 * KIB
    assert (buckets[0].lower, buckets[-1].upper) == (0, None)


def test_histogram_of_nothing_lists_every_bucket_empty() -> None:
    buckets = tallied([]).histogram()

    assert len(buckets) == 8
    assert all(b.count == 0 and b.total_bytes == 0 for b in buckets)
