"""The object reader against obstore's in-memory store: order, look-ahead bound, failures, ranges.

The in-memory store implements the same conditional GET semantics (If-Match, ranges,
attributes) as obstore's S3 client, with no socket involved.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import obstore
import pytest
from obstore.store import MemoryStore

from strongroom.deep_archive.adapters.object_reader import (
    FailureReason,
    FetchFailure,
    FetchResult,
    InMemoryObject,
    ObjectReader,
    ReaderLimits,
    StreamedObject,
    StreamedObjectError,
)
from strongroom.deep_archive.domain.grouping import SourceObject

LISTED_AT = datetime(2025, 4, 10, 3, 0, tzinfo=UTC)
KIB = 1024


def put(store: MemoryStore, key: str, data: bytes, **attributes: str) -> SourceObject:
    """Store ``data`` and return it as the listing would have planned it."""
    result = obstore.put(store, key, data, attributes=attributes or None)
    return SourceObject(
        key=key, size=len(data), etag=result["e_tag"] or "", last_modified=LISTED_AT
    )


def content(result: FetchResult) -> bytes:
    match result:
        case InMemoryObject(data=data):
            return bytes(data)
        case StreamedObject(chunks=chunks):
            return b"".join(bytes(chunk) for chunk in chunks)
        case FetchFailure(reason=reason):
            raise AssertionError(f"{result.planned.key} failed: {reason}")


class CountingSource:
    """The planned objects, recording how far the reader has pulled them."""

    def __init__(self, planned: Iterable[SourceObject]) -> None:
        self._planned = list(planned)
        self.pulled = 0

    def __iter__(self) -> Iterator[SourceObject]:
        for source in self._planned:
            self.pulled += 1
            yield source


def test_results_come_back_in_input_order_with_their_bytes() -> None:
    # Given 200 objects of random sizes, some above the in-memory limit
    store = MemoryStore()
    rng = random.Random(4)
    data = {f"k/{index:04d}": rng.randbytes(rng.randrange(0, 6 * KIB)) for index in range(200)}
    planned = [put(store, key, value) for key, value in data.items()]
    rng.shuffle(planned)
    limits = ReaderLimits(max_in_flight=8, window=16, in_memory_max=4 * KIB, chunk_size=KIB)
    # When they are fetched
    with ObjectReader(store, limits=limits) as reader:
        results = [(result.planned.key, content(result)) for result in reader.fetch(planned)]
    # Then every object comes back whole, in the order asked
    assert results == [(source.key, data[source.key]) for source in planned]
    streamed = sum(1 for source in planned if source.size > 4 * KIB)
    assert reader.stats.streamed == streamed
    assert reader.stats.in_memory == 200 - streamed
    assert reader.stats.bytes_read == sum(len(value) for value in data.values())


def test_look_ahead_never_pulls_more_than_the_window_beyond_what_was_consumed() -> None:
    store = MemoryStore()
    source = CountingSource(put(store, f"k/{index:03d}", b"x" * 10) for index in range(100))
    with ObjectReader(store, limits=ReaderLimits(max_in_flight=4, window=6)) as reader:
        for consumed, _ in enumerate(reader.fetch(source), start=1):
            assert source.pulled <= consumed + 6
    assert source.pulled == 100


def test_the_byte_budget_limits_the_window_but_always_admits_one_object() -> None:
    # Given objects of 3 KiB and a window budget of 8 KiB: at most two are held ahead
    store = MemoryStore()
    source = CountingSource(put(store, f"k/{index}", bytes(3 * KIB)) for index in range(20))
    limits = ReaderLimits(
        max_in_flight=4, window=10, window_bytes=8 * KIB, in_memory_max=4 * KIB, chunk_size=KIB
    )
    with ObjectReader(store, limits=limits) as reader:
        for consumed, _ in enumerate(reader.fetch(source), start=1):
            assert source.pulled <= consumed + 2
    assert reader.stats.peak_window_bytes == 6 * KIB

    # And an object bigger than the whole budget still goes through, alone
    big = put(store, "big", bytes(3 * KIB))
    tight = ReaderLimits(window_bytes=KIB, in_memory_max=4 * KIB, chunk_size=KIB)
    with ObjectReader(store, limits=tight) as reader:
        assert [content(result) for result in reader.fetch([big, big])] == [bytes(3 * KIB)] * 2


def test_an_object_rewritten_after_listing_fails_alone_as_changed() -> None:
    store = MemoryStore()
    planned = [put(store, key, key.encode()) for key in ("a", "b", "c")]
    obstore.put(store, "b", b"rewritten")
    with ObjectReader(store) as reader:
        results = list(reader.fetch(planned))
    assert [type(result) for result in results] == [InMemoryObject, FetchFailure, InMemoryObject]
    failure = results[1]
    assert isinstance(failure, FetchFailure)
    assert failure.reason is FailureReason.CHANGED
    assert reader.stats.failures == {FailureReason.CHANGED: 1}


def test_an_object_deleted_after_listing_fails_as_missing() -> None:
    store = MemoryStore()
    planned = put(store, "gone", b"data")
    obstore.delete(store, "gone")
    with ObjectReader(store) as reader:
        (result,) = reader.fetch([planned])
    assert isinstance(result, FetchFailure)
    assert result.reason is FailureReason.MISSING


def test_content_type_and_user_metadata_come_with_the_object() -> None:
    store = MemoryStore()
    planned = put(store, "r.csv", b"a,b\n", **{"Content-Type": "text/csv", "owner": "finance"})
    with ObjectReader(store) as reader:
        (result,) = reader.fetch([planned])
    assert isinstance(result, InMemoryObject)
    details = result.details
    assert details.content_type == "text/csv"
    assert details.metadata == {"owner": "finance"}
    assert details.etag == planned.etag
    assert details.size == 4
    assert details.last_modified.tzinfo is not None


def test_a_large_object_streams_in_ranges_read_ahead_of_the_consumer() -> None:
    store = MemoryStore()
    data = random.Random(1).randbytes(10 * KIB + 3)
    planned = put(store, "large.bin", data)
    limits = ReaderLimits(in_memory_max=4 * KIB, chunk_size=2 * KIB, stream_read_ahead=2)
    with ObjectReader(store, limits=limits) as reader:
        (result,) = reader.fetch([planned])
        assert isinstance(result, StreamedObject)
        chunks = [bytes(chunk) for chunk in result.chunks]
    assert b"".join(chunks) == data
    assert [len(chunk) for chunk in chunks] == [2 * KIB] * 5 + [3]
    assert reader.stats.range_requests == 5


def test_a_large_object_rewritten_mid_read_stops_the_stream_with_an_error() -> None:
    # Given a streamed object whose first range was read, then the object is rewritten
    store = MemoryStore()
    planned = put(store, "large.bin", bytes(8 * KIB))
    limits = ReaderLimits(in_memory_max=2 * KIB, chunk_size=2 * KIB)
    with ObjectReader(store, limits=limits) as reader:
        (result,) = reader.fetch([planned])
        assert isinstance(result, StreamedObject)
        obstore.put(store, "large.bin", bytes(8 * KIB))
        # When the consumer reads on, Then the next range fails If-Match
        chunks = iter(result.chunks)
        assert len(next(chunks)) == 2 * KIB
        with pytest.raises(StreamedObjectError, match="changed since listed") as raised:
            next(chunks)
    assert raised.value.key == "large.bin"


def test_a_changed_large_object_is_reported_before_any_of_its_bytes() -> None:
    store = MemoryStore()
    planned = put(store, "large.bin", bytes(8 * KIB))
    obstore.put(store, "large.bin", bytes(9 * KIB))
    limits = ReaderLimits(in_memory_max=2 * KIB, chunk_size=2 * KIB)
    with ObjectReader(store, limits=limits) as reader:
        (result,) = reader.fetch([planned])
    assert isinstance(result, FetchFailure)
    assert result.reason is FailureReason.CHANGED


def test_unconditional_reads_ignore_the_planned_etag() -> None:
    store = MemoryStore()
    planned = put(store, "a", b"v1")
    obstore.put(store, "a", b"v2")
    with ObjectReader(store, conditional=False) as reader:
        (result,) = reader.fetch([planned])
    assert content(result) == b"v2"


@pytest.mark.parametrize(
    "changes",
    [{"max_in_flight": 0}, {"stream_read_ahead": 0}, {"chunk_size": 16, "in_memory_max": 8}],
)
def test_limits_that_cannot_work_are_refused(changes: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must"):
        ReaderLimits(**changes)


def test_the_documented_memory_bound_of_the_defaults() -> None:
    assert ReaderLimits().bytes_bound == (64 + 24) * 1024 * KIB
