"""Properties of the archive plan and the worker split, over generated listings."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import combinations, pairwise

from hypothesis import given
from hypothesis import strategies as st

from strongroom.deep_archive.domain.grouping import (
    ARCHIVE_TRAILER_BYTES,
    ArchivePlan,
    SourceObject,
)
from tests.support.listing import planned, split_among

MODIFIED = datetime(2025, 4, 10, tzinfo=UTC)

keys = st.text(alphabet="ab/é._-9", min_size=1, max_size=12)
listings = st.dictionaries(keys, st.integers(min_value=0, max_value=5_000), max_size=60).map(
    lambda sizes: [
        SourceObject(key=key, size=size, etag='"e"', last_modified=MODIFIED)
        for key, size in sizes.items()
    ]
)
max_files = st.integers(min_value=1, max_value=8)
max_bytes = st.integers(min_value=ARCHIVE_TRAILER_BYTES + 1, max_value=12_000)


def plan(objects: list[SourceObject], files: int, size: int) -> list[ArchivePlan]:
    return planned(
        objects, max_files=files, max_bytes=size, output_prefix="o", project="p", run_label="r"
    )


@given(listings, max_files, max_bytes)
def test_every_object_is_in_exactly_one_archive_in_key_order(
    objects: list[SourceObject], files: int, size: int
) -> None:
    plans = plan(objects, files, size)

    planned = [key for p in plans for key in p.keys]
    assert planned == sorted(o.key for o in objects)
    assert [p.index for p in plans] == list(range(len(plans)))
    assert len({p.archive_key for p in plans}) == len(plans)


@given(listings, max_files, max_bytes)
def test_no_archive_exceeds_the_limits_unless_it_is_a_single_oversize_object(
    objects: list[SourceObject], files: int, size: int
) -> None:
    for p in plan(objects, files, size):
        assert p.member_count <= files
        assert p.archive_bytes == ARCHIVE_TRAILER_BYTES + sum(o.archive_cost for o in p.objects)
        assert p.total_bytes == sum(o.size for o in p.objects)
        if p.oversize:
            assert p.member_count == 1
            assert p.archive_bytes > size
        else:
            assert p.archive_bytes <= size


@given(listings, max_files, max_bytes)
def test_an_archive_closes_only_when_the_next_object_would_not_fit(
    objects: list[SourceObject], files: int, size: int
) -> None:
    plans = plan(objects, files, size)

    for current, following in pairwise(plans):
        if current.oversize:
            continue
        nxt = following.objects[0]
        assert current.member_count + 1 > files or current.archive_bytes + nxt.archive_cost > size


@given(listings, max_files, max_bytes, st.randoms(use_true_random=False))
def test_the_plan_does_not_depend_on_listing_order(
    objects: list[SourceObject], files: int, size: int, rng: random.Random
) -> None:
    shuffled = objects.copy()
    rng.shuffle(shuffled)

    assert plan(shuffled, files, size) == plan(objects, files, size)


def weighted(weights: list[int]) -> list[ArchivePlan]:
    return [
        ArchivePlan(
            index=i,
            archive_key=f"p/r/part-{i:06d}.zip",
            objects=(SourceObject(key=f"k{i:04d}", size=w, etag='"e"', last_modified=MODIFIED),),
            total_bytes=w,
            archive_bytes=w,
        )
        for i, w in enumerate(weights)
    ]


def best_largest_run(weights: list[int], workers: int) -> int:
    """The smallest possible largest run, by trying every contiguous split."""
    best = sum(weights)
    for cuts in range(min(workers, len(weights))):
        for positions in combinations(range(1, len(weights)), cuts):
            bounds = [0, *positions, len(weights)]
            largest = max(sum(weights[a:b]) for a, b in pairwise(bounds))
            best = min(best, largest)
    return best


weights = st.lists(st.integers(min_value=98, max_value=10_000), max_size=9)
workers = st.integers(min_value=1, max_value=12)


@given(weights, workers)
def test_worker_runs_are_disjoint_contiguous_and_cover_every_archive(
    sizes: list[int], count: int
) -> None:
    plans = weighted(sizes)

    runs = split_among(plans, count)

    assert len(runs) == count
    assert [p for run in runs for p in run] == plans
    if len(plans) >= count:
        assert all(runs)
    else:
        assert sum(1 for run in runs if run) == len(plans)


@given(weights.filter(bool), workers)
def test_the_largest_worker_run_is_as_small_as_a_contiguous_split_allows(
    sizes: list[int], count: int
) -> None:
    runs = split_among(weighted(sizes), count)

    largest = max(sum(p.archive_bytes for p in run) for run in runs)
    assert largest == best_largest_run(sizes, count)


@given(weights, workers)
def test_the_worker_split_is_deterministic(sizes: list[int], count: int) -> None:
    assert split_among(weighted(sizes), count) == split_among(weighted(sizes), count)
