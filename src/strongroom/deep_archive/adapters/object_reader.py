"""Concurrent, ordered, memory-bounded GETs of the objects an archive is planned to hold.

The packer feeds objects to the zip writer one at a time, in plan order, while up to
``max_in_flight`` GETs run ahead on a thread pool (obstore's synchronous ``get`` releases the
GIL, so threads overlap network waits). Results come back in input order.

Every GET carries ``If-Match`` with the ETag from the listing: an object rewritten since it was
listed fails alone ("changed since listed") instead of being archived under the old listing's
size and ETag. Failures are results, never exceptions, so one bad object cannot sink an archive.

Objects up to ``in_memory_max`` bytes are read whole. Larger ones are read in ranged GETs of
``chunk_size`` bytes, each with the same ``If-Match`` (and the version the first range saw),
``stream_read_ahead`` ranges ahead of the consumer. Only the first range is fetched in the
look-ahead window, so a changed or missing large object is still reported before the writer
has emitted any of its bytes.

Memory bound (object bytes held by the reader at any time)::

    max(window_bytes, in_memory_max)              results fetched ahead, not yet consumed
    + max(in_memory_max, (stream_read_ahead + 1) * chunk_size)   the result being consumed

The window admits objects while their sizes (the first range only, for large objects) sum to at
most ``window_bytes`` and there are fewer than ``window`` of them; one object is always admitted
so that an object above the budget cannot stall the reader. Defaults: 128 in flight (S3 answers
small GETs in tens of milliseconds, so 32 in flight would cap a packer near 1,600 objects/s),
a window of 256 objects or 64 MiB, 8 MiB in memory, 8 MiB ranges two ahead: at most
64 + 24 MiB. 64 MiB still keeps 64 objects of 1 MiB in flight, more than a packer can deflate,
and leaves room under its 300 MB target for members being deflated ahead on other threads.

Retries of throttling (503 SlowDown), 5xx, dropped connections and timeouts happen inside
obstore (see ``obstore_config.StoreTuning``), which does not report how many it made; what
reaches the reader is counted in :class:`ReaderStats`.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Final, Protocol

import obstore
from obstore.exceptions import NotFoundError, PermissionDeniedError, PreconditionError

if TYPE_CHECKING:
    from obstore import Attributes, GetOptions, GetResult
    from obstore.store import ObjectStore

MIB: Final = 1024 * 1024

STANDARD_ATTRIBUTES: Final = frozenset(
    {
        "Content-Disposition",
        "Content-Encoding",
        "Content-Language",
        "Content-Type",
        "Cache-Control",
        "Storage-Class",
    }
)
"""The attributes obstore names itself; every other attribute key is user metadata
(``x-amz-meta-*`` without the prefix, lower-cased as S3 returns it)."""

_DETAIL_LIMIT: Final = 500


class PlannedObject(Protocol):
    """What the reader needs of a planned object (``grouping.SourceObject`` has it)."""

    @property
    def key(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def etag(self) -> str: ...

    @property
    def version_id(self) -> str | None: ...


class FailureReason(StrEnum):
    CHANGED = "changed since listed"
    MISSING = "missing"
    NOT_READABLE = "not readable without a restore"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class ObjectDetails:
    """What the GET said about the object: the catalog entry's source fields."""

    key: str
    size: int
    etag: str
    last_modified: datetime
    version_id: str | None
    content_type: str | None
    metadata: dict[str, str]


@dataclass(frozen=True, slots=True)
class InMemoryObject:
    planned: PlannedObject
    details: ObjectDetails
    data: memoryview
    """The whole object, a zero-copy view of obstore's buffer (``bytes(data)`` copies it)."""


@dataclass(frozen=True, slots=True)
class StreamedObject:
    """A large object: consume ``chunks`` fully before asking the reader for the next result.

    Iterating raises :class:`StreamedObjectError` if a later range fails (e.g. the object was
    rewritten mid-read); by then its first bytes are in the archive, so the archive is lost.
    """

    planned: PlannedObject
    details: ObjectDetails
    chunks: Iterator[memoryview]


@dataclass(frozen=True, slots=True)
class FetchFailure:
    planned: PlannedObject
    reason: FailureReason
    detail: str


FetchResult = InMemoryObject | StreamedObject | FetchFailure


class StreamedObjectError(Exception):
    """A range of a streamed object could not be read, or the bytes did not add up."""

    def __init__(self, key: str, reason: FailureReason, detail: str) -> None:
        self.key = key
        self.reason = reason
        self.detail = detail
        super().__init__(f"reading {key!r} failed part-way ({reason}): {detail}")


@dataclass(frozen=True, slots=True)
class ReaderLimits:
    max_in_flight: int = 128
    window: int = 256
    window_bytes: int = 64 * MIB
    in_memory_max: int = 8 * MIB
    chunk_size: int = 8 * MIB
    stream_read_ahead: int = 2

    def __post_init__(self) -> None:
        for name in (
            "max_in_flight",
            "window",
            "window_bytes",
            "in_memory_max",
            "chunk_size",
            "stream_read_ahead",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.chunk_size > self.in_memory_max:
            raise ValueError("chunk_size must not exceed in_memory_max")

    @property
    def bytes_bound(self) -> int:
        """The most object bytes the reader holds at once (see the module docstring)."""
        consuming = max(self.in_memory_max, (self.stream_read_ahead + 1) * self.chunk_size)
        return max(self.window_bytes, self.in_memory_max) + consuming


@dataclass(slots=True)
class ReaderStats:
    """Counts of what the reader did; updated on the consuming thread only."""

    requested: int = 0
    in_memory: int = 0
    streamed: int = 0
    range_requests: int = 0
    bytes_read: int = 0
    failures: Counter[FailureReason] = field(default_factory=Counter)
    peak_window_bytes: int = 0


class ObjectReader:
    """Fetches planned objects from one bucket's store, in order, with bounded look-ahead.

    ``conditional=False`` drops ``If-Match`` (benchmarks against a plain HTTP server whose
    ETags are not S3's); the packer always leaves it on. Use as a context manager, or call
    :meth:`close`, to stop the worker threads.
    """

    def __init__(
        self,
        store: ObjectStore,
        *,
        limits: ReaderLimits | None = None,
        conditional: bool = True,
    ) -> None:
        self._store = store
        self._limits = limits or ReaderLimits()
        self._conditional = conditional
        self._pool = ThreadPoolExecutor(self._limits.max_in_flight, "object-get")
        self._range_pool = ThreadPoolExecutor(self._limits.stream_read_ahead, "range-get")
        self.stats = ReaderStats()

    @property
    def limits(self) -> ReaderLimits:
        return self._limits

    def __enter__(self) -> ObjectReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._range_pool.shutdown(wait=True, cancel_futures=True)

    def fetch(self, planned: Iterable[PlannedObject]) -> Iterator[FetchResult]:
        """One result per planned object, in input order; ``planned`` is consumed lazily."""
        limits = self._limits
        source = iter(planned)
        window: deque[tuple[Future[FetchResult], int]] = deque()
        window_bytes = 0
        held: PlannedObject | None = None
        exhausted = False
        try:
            while True:
                while not exhausted and len(window) < limits.window:
                    if held is None:
                        held = next(source, None)
                        if held is None:
                            exhausted = True
                            break
                    cost = self._window_cost(held)
                    if window and window_bytes + cost > limits.window_bytes:
                        break
                    window.append((self._pool.submit(self._fetch_first, held), cost))
                    window_bytes += cost
                    self.stats.requested += 1
                    held = None
                self.stats.peak_window_bytes = max(self.stats.peak_window_bytes, window_bytes)
                if not window:
                    return
                future, cost = window.popleft()
                window_bytes -= cost
                yield self._counted(future.result())
        finally:
            for future, _ in window:
                future.cancel()

    def _window_cost(self, planned: PlannedObject) -> int:
        if planned.size <= self._limits.in_memory_max:
            return planned.size
        return self._limits.chunk_size

    def _counted(self, result: FetchResult) -> FetchResult:
        match result:
            case InMemoryObject(data=data):
                self.stats.in_memory += 1
                self.stats.bytes_read += len(data)
            case StreamedObject():
                self.stats.streamed += 1
            case FetchFailure(reason=reason):
                self.stats.failures[reason] += 1
        return result

    def _fetch_first(self, planned: PlannedObject) -> FetchResult:
        """Runs on a pool thread; returns a failure instead of raising."""
        streamed = planned.size > self._limits.in_memory_max
        options = self._options(planned.etag, planned.version_id)
        if streamed:
            options["range"] = (0, self._limits.chunk_size)
        try:
            response = obstore.get(self._store, planned.key, options=options)
            details = _details(planned.key, response)
            if self._conditional and details.etag != quoted(planned.etag):
                return FetchFailure(
                    planned, FailureReason.CHANGED, f"ETag is {details.etag}, not {planned.etag}"
                )
            first = memoryview(response.bytes())
        except Exception as error:  # every failure becomes a per-object result
            reason, detail = classify(error)
            return FetchFailure(planned, reason, detail)
        if not streamed:
            return InMemoryObject(planned, details, first)
        return StreamedObject(planned, details, self._chunks(details, first))

    def _chunks(self, details: ObjectDetails, first: memoryview) -> Iterator[memoryview]:
        """The object's bytes in ranges, ``stream_read_ahead`` requests ahead of the consumer."""
        chunk_size = self._limits.chunk_size
        starts = iter(range(len(first), details.size, chunk_size))
        pending: deque[Future[memoryview]] = deque()

        def schedule() -> None:
            while len(pending) < self._limits.stream_read_ahead:
                start = next(starts, None)
                if start is None:
                    return
                end = min(start + chunk_size, details.size)
                pending.append(self._range_pool.submit(self._read_range, details, start, end))

        total = len(first)
        try:
            schedule()
            self.stats.bytes_read += len(first)
            yield first
            while pending:
                chunk = pending.popleft().result()
                self.stats.range_requests += 1
                self.stats.bytes_read += len(chunk)
                total += len(chunk)
                schedule()
                yield chunk
        finally:
            for future in pending:
                future.cancel()
        if total != details.size:
            raise StreamedObjectError(
                details.key, FailureReason.ERROR, f"read {total} bytes, expected {details.size}"
            )

    def _read_range(self, details: ObjectDetails, start: int, end: int) -> memoryview:
        options = self._options(details.etag, details.version_id)
        options["range"] = (start, end)
        try:
            data = memoryview(obstore.get(self._store, details.key, options=options).bytes())
        except Exception as error:
            reason, detail = classify(error)
            raise StreamedObjectError(details.key, reason, detail) from error
        if len(data) != end - start:
            raise StreamedObjectError(
                details.key,
                FailureReason.ERROR,
                f"range {start}-{end} returned {len(data)} bytes",
            )
        return data

    def _options(self, etag: str, version_id: str | None) -> GetOptions:
        options: GetOptions = {}
        if self._conditional:
            options["if_match"] = quoted(etag)
        if version_id:
            options["version"] = version_id
        return options


def quoted(etag: str) -> str:
    """The ETag in its HTTP form, with quotes (S3 Inventory lists it without)."""
    return etag if etag.startswith('"') else f'"{etag}"'


def classify(error: Exception) -> tuple[FailureReason, str]:
    """Why a GET failed, as an operator should read it."""
    detail = str(error).split("\n", 1)[0][:_DETAIL_LIMIT]
    if isinstance(error, PreconditionError):
        return FailureReason.CHANGED, detail
    if isinstance(error, NotFoundError | FileNotFoundError):
        return FailureReason.MISSING, detail
    if isinstance(error, PermissionDeniedError) and "InvalidObjectState" in str(error):
        return FailureReason.NOT_READABLE, detail
    return FailureReason.ERROR, f"{type(error).__name__}: {detail}"


def _details(key: str, response: GetResult) -> ObjectDetails:
    meta = response.meta
    attributes: Attributes = response.attributes
    return ObjectDetails(
        key=key,
        size=meta["size"],
        etag=meta["e_tag"] or "",
        last_modified=meta["last_modified"],
        version_id=meta["version"],
        content_type=attributes.get("Content-Type"),
        metadata={
            name: value for name, value in attributes.items() if name not in STANDARD_ATTRIBUTES
        },
    )
