"""Which listed files are archived already with the same ETag: a merge of sorted streams.

A listing comes in key order and so does every archive's manifest, so one pass over both
answers the question with no lookup per key (decision 0013). Archives are opened lazily, when
the listing reaches their first key, and dropped once it passes their last: only the archives
whose key ranges hold the current key are open, at most one per earlier job.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence

from strongroom.deep_archive.domain.archive_records import ArchiveRecord
from strongroom.deep_archive.domain.grouping import SourceObject

ArchivedRows = Callable[[ArchiveRecord], Iterator[tuple[str, str]]]
"""An archive's (key, ETag) rows in key order, read when first iterated."""


class UnsortedListingError(ValueError):
    """The listing went back in key order: a merge would miss archived files."""


class _OpenManifest:
    def __init__(self, record: ArchiveRecord, rows: Iterator[tuple[str, str]]) -> None:
        self.record = record
        self._rows = rows
        self._row = next(rows, None)

    def etags_of(self, key: str) -> set[str]:
        """The ETags ``key`` was archived with here; rows before ``key`` are passed over."""
        found: set[str] = set()
        while self._row is not None and self._row[0] <= key:
            if self._row[0] == key:
                found.add(self._row[1])
            self._row = next(self._rows, None)
        return found


def mark_unchanged(
    listing: Iterable[SourceObject], archives: Sequence[ArchiveRecord], rows: ArchivedRows
) -> Iterator[tuple[SourceObject, bool]]:
    """Each listed object, in order, with whether one of ``archives`` holds it with its ETag.

    ``listing`` must be in ascending key order (S3 lists so); ``archives`` may come in any
    order and may overlap (archives of different jobs do).
    """
    pending = deque(sorted(archives, key=lambda record: (record.first_key, record.job_id)))
    open_manifests: list[_OpenManifest] = []
    previous: str | None = None
    for item in listing:
        key = item.key
        if previous is not None and key <= previous:
            raise UnsortedListingError(f"listing not in key order: {key!r} after {previous!r}")
        previous = key
        while pending and pending[0].first_key <= key:
            record = pending.popleft()
            if record.last_key >= key:
                open_manifests.append(_OpenManifest(record, rows(record)))
        etags: set[str] = set()
        for manifest in open_manifests:
            etags |= manifest.etags_of(key)
        open_manifests = [each for each in open_manifests if each.record.last_key > key]
        yield item, item.etag in etags
