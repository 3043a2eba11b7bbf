"""Which source objects go into which zip archive, what each archive is called, who packs it.

The plan is a pure function of the listing: objects sorted by key, packed greedily into
consecutive archives, each named from its index. A rerun after a crash lists the same objects,
gets the same plan and the same archive keys, so it can skip archives already written and
never produce a second copy under another name.

Byte budget of one archive (all numbers are upper bounds, so a planned archive never exceeds
``max_bytes`` because of zip structure; APPNOTE 6.3.x sections 4.3 and 4.5):

    archive_bytes = ARCHIVE_TRAILER_BYTES + sum(size + zip_overhead(name_bytes))
    zip_overhead(n) = (30 + n + 20 + 17)     local header + name + ZIP64 extra + timestamp extra
                    + (46 + n + 28 + 17)     central header + name + ZIP64 extra + timestamp extra
                    + 24                     ZIP64 data descriptor (streamed members)
                    = 182 + 2n
    ARCHIVE_TRAILER_BYTES = 56 + 20 + 22    ZIP64 end record + ZIP64 locator + classic end record

``n`` is the UTF-8 length of the member name, which is the full S3 key (two keys with the same
file name in different folders stay two members). The member's data is budgeted at its size:
the writer stores a member when deflate would not make it smaller, so stored bytes never
exceed the source bytes for in-memory members.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

KIB = 1024
MIB = 1024 * KIB
GIB = 1024 * MIB

LOCAL_HEADER_BYTES = 30
CENTRAL_HEADER_BYTES = 46
ZIP64_LOCAL_EXTRA_BYTES = 20
"""Tag and length (4) + uncompressed and compressed sizes (8 + 8)."""
ZIP64_CENTRAL_EXTRA_BYTES = 28
"""Tag and length (4) + both sizes (16) + local header offset (8)."""
TIMESTAMP_EXTRA_MAX_BYTES = 17
"""Extended timestamp 0x5455 at its largest: tag and length (4) + flags (1) + three times (12)."""
DATA_DESCRIPTOR_BYTES = 24
"""ZIP64 data descriptor: signature (4) + CRC-32 (4) + both sizes (16)."""
ARCHIVE_TRAILER_BYTES = 56 + 20 + 22
"""ZIP64 end of central directory record + its locator + the classic end record."""

SMALL_OBJECT_BYTES = 128 * KIB
"""S3 lifecycle skips objects below this by default, and Standard-IA and Glacier IR bill them as
this size: the histogram keeps it as a bucket boundary so the cost model can use it."""


def megabytes(n: int) -> int:
    """Bytes in ``n`` MB of the API's ``archive_size``, counted as MiB (1,048,576 bytes).

    Binary units because that is what AWS shows and bills: the S3 console's "MB" and the
    5 GB single-PUT and 5 MiB part limits are powers of two, and storage GB are GiB. A user
    who asks for 500 MB archives then sees 500 MB objects in the console, not 476.8.
    """
    if n <= 0:
        raise ValueError(f"archive size must be a positive number of MB, got {n}")
    return n * MIB


def zip_overhead(name_bytes: int) -> int:
    """Bytes one member adds to its archive beyond its data (formula in the module docstring)."""
    if name_bytes < 0:
        raise ValueError(f"name_bytes must not be negative, got {name_bytes}")
    local = LOCAL_HEADER_BYTES + ZIP64_LOCAL_EXTRA_BYTES + TIMESTAMP_EXTRA_MAX_BYTES
    central = CENTRAL_HEADER_BYTES + ZIP64_CENTRAL_EXTRA_BYTES + TIMESTAMP_EXTRA_MAX_BYTES
    return local + central + DATA_DESCRIPTOR_BYTES + 2 * name_bytes


@dataclass(frozen=True, slots=True)
class SourceObject:
    """One object of the source listing, as S3 reported it."""

    key: str
    size: int
    etag: str
    last_modified: datetime
    version_id: str | None = None
    storage_class: str | None = None

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a source object needs a non-empty key")
        if self.size < 0:
            raise ValueError(f"size of {self.key!r} must not be negative, got {self.size}")
        if self.last_modified.utcoffset() is None:
            raise ValueError(f"last_modified of {self.key!r} must be timezone-aware")

    @property
    def name_bytes(self) -> int:
        """Length of the key in UTF-8: what its zip member name costs."""
        return len(self.key.encode("utf-8"))

    @property
    def archive_cost(self) -> int:
        """Bytes this object takes in an archive, headers included."""
        return self.size + zip_overhead(self.name_bytes)


@dataclass(frozen=True, slots=True)
class ArchivePlan:
    """One archive to write: its members in key order and its deterministic name.

    ``total_bytes`` is the members' source bytes; ``archive_bytes`` the upper bound of the
    zip file's size. ``oversize`` marks an archive holding a single object that alone exceeds
    ``max_bytes``: such an object is archived on its own, never dropped.
    """

    index: int
    archive_key: str
    objects: tuple[SourceObject, ...]
    total_bytes: int
    archive_bytes: int
    oversize: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(source.key for source in self.objects)

    @property
    def member_count(self) -> int:
        return len(self.objects)


class DuplicateKeyError(ValueError):
    """The listing holds the same key twice: a plan would archive one of them twice."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"source key {key!r} appears more than once; keys must be unique")


class KeyOrderError(ValueError):
    """A stream that should be sorted by key is not."""

    def __init__(self, previous: str, key: str) -> None:
        self.previous = previous
        self.key = key
        super().__init__(f"source keys must ascend: {key!r} came after {previous!r}")


def archive_key(output_prefix: str, project: str, run_label: str, index: int) -> str:
    """The S3 key of archive ``index``: ``{output_prefix}/{project}/{run_label}/part-NNNNNN.zip``.

    Slashes are normalised (no leading, trailing or doubled ones); an empty ``output_prefix``
    is left out. ``project`` and ``run_label`` may not be empty, and no part may contain a
    ``.`` or ``..`` segment, so two runs can never name the same archive by accident.
    """
    if index < 0:
        raise ValueError(f"archive index must not be negative, got {index}")
    parts = [_segments("output_prefix", output_prefix)]
    for field, value in (("project", project), ("run_label", run_label)):
        segments = _segments(field, value)
        if not segments:
            raise ValueError(f"{field} must not be empty")
        parts.append(segments)
    return "/".join([*(segment for part in parts for segment in part), f"part-{index:06d}.zip"])


def _segments(field: str, value: str) -> list[str]:
    segments = [segment for segment in value.split("/") if segment]
    if any(segment in (".", "..") for segment in segments):
        raise ValueError(f"{field} must not contain '.' or '..' segments: {value!r}")
    return segments


def iter_archive_plans(
    sorted_objects: Iterable[SourceObject],
    *,
    max_files: int,
    max_bytes: int,
    output_prefix: str,
    project: str,
    run_label: str,
) -> Iterator[ArchivePlan]:
    """Archives for a listing already in key order (as S3 lists it), one at a time.

    Memory stays bounded by one archive whatever the listing's length. An archive is closed
    when the next object would take it past ``max_files`` members or ``max_bytes`` bytes
    (headers included); an object too large for any archive gets one of its own.
    Python orders strings by code point, which is S3's UTF-8 binary key order.
    """
    if max_files < 1:
        raise ValueError(f"max_files must be at least 1, got {max_files}")
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be at least 1, got {max_bytes}")
    archive_key(output_prefix, project, run_label, 0)  # reject bad names before any work

    def plan(index: int, members: list[SourceObject], used: int, oversize: bool) -> ArchivePlan:
        return ArchivePlan(
            index=index,
            archive_key=archive_key(output_prefix, project, run_label, index),
            objects=tuple(members),
            total_bytes=sum(member.size for member in members),
            archive_bytes=used,
            oversize=oversize,
        )

    index = 0
    members: list[SourceObject] = []
    used = ARCHIVE_TRAILER_BYTES
    previous: str | None = None
    for source in sorted_objects:
        _check_order(previous, source.key)
        previous = source.key
        cost = source.archive_cost
        if members and (len(members) >= max_files or used + cost > max_bytes):
            yield plan(index, members, used, oversize=False)
            index, members, used = index + 1, [], ARCHIVE_TRAILER_BYTES
        if ARCHIVE_TRAILER_BYTES + cost > max_bytes:
            yield plan(index, [source], ARCHIVE_TRAILER_BYTES + cost, oversize=True)
            index += 1
            continue
        members.append(source)
        used += cost
    if members:
        yield plan(index, members, used, oversize=False)


def _check_order(previous: str | None, key: str) -> None:
    if previous is None or previous < key:
        return
    if previous == key:
        raise DuplicateKeyError(key)
    raise KeyOrderError(previous, key)


def worker_ranges(weights: Sequence[int], workers: int) -> list[tuple[int, int]]:
    """``workers`` contiguous runs of archives weighing ``weights`` (disjoint key ranges),
    balanced by archive bytes: each worker's ``[first, end)``.

    The largest run is as small as a contiguous split allows (binary search on the bound,
    greedy fill). While there are at least as many archives as workers, every worker gets
    one; with more workers than archives the last workers get none. Deterministic.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    bound = _smallest_feasible_bound(weights, workers)
    starts = [0]
    load = 0
    for position, weight in enumerate(weights):
        remaining = len(weights) - position
        workers_after_current = workers - len(starts)
        if position > starts[-1] and (load + weight > bound or remaining <= workers_after_current):
            starts.append(position)
            load = 0
        load += weight
    ends = [*starts[1:], len(weights)]
    ranges = list(zip(starts, ends, strict=True))
    ranges.extend((len(weights), len(weights)) for _ in range(workers - len(ranges)))
    return ranges


def _smallest_feasible_bound(weights: Sequence[int], workers: int) -> int:
    if not weights:
        return 0
    low, high = max(weights), sum(weights)
    while low < high:
        middle = (low + high) // 2
        if _runs_needed(weights, middle) <= workers:
            high = middle
        else:
            low = middle + 1
    return low


def _runs_needed(weights: Sequence[int], bound: int) -> int:
    runs, load = 1, 0
    for weight in weights:
        if load and load + weight > bound:
            runs, load = runs + 1, 0
        load += weight
    return runs


@dataclass(frozen=True, slots=True)
class SizeBucket:
    """Objects whose size is in ``[lower, upper)``; ``upper`` None: no upper bound."""

    lower: int
    upper: int | None
    label: str
    count: int
    total_bytes: int


SIZE_BUCKET_BOUNDS: tuple[tuple[int, str], ...] = (
    (KIB, "1 KiB"),
    (10 * KIB, "10 KiB"),
    (SMALL_OBJECT_BYTES, "128 KiB"),
    (MIB, "1 MiB"),
    (10 * MIB, "10 MiB"),
    (100 * MIB, "100 MiB"),
    (GIB, "1 GiB"),
)
"""Upper bounds of the histogram's buckets (log scale, plus the 128 KiB billing threshold)."""
