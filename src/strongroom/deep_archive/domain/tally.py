"""Counts a listing as it streams past: totals, size histogram, what the cost model needs."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from strongroom.deep_archive.domain.cost import InventorySummary
from strongroom.deep_archive.domain.grouping import (
    SIZE_BUCKET_BOUNDS,
    SMALL_OBJECT_BYTES,
    SizeBucket,
    SourceObject,
)

_UPPER_BOUNDS = [bound for bound, _ in SIZE_BUCKET_BOUNDS]


@dataclass
class ListingTally:
    files: int = 0
    bytes: int = 0
    small_files: int = 0
    small_bytes: int = 0
    key_bytes: int = 0
    bucket_counts: list[int] = field(default_factory=lambda: [0] * (len(_UPPER_BOUNDS) + 1))
    bucket_bytes: list[int] = field(default_factory=lambda: [0] * (len(_UPPER_BOUNDS) + 1))

    def add(self, source: SourceObject) -> None:
        self.add_many(source.size, 1, source.name_bytes)

    def add_many(self, size: int, count: int, key_bytes: int) -> None:
        """``count`` objects of ``size`` bytes with keys of ``key_bytes`` (a hypothetical)."""
        self.files += count
        self.bytes += size * count
        self.key_bytes += key_bytes * count
        if size < SMALL_OBJECT_BYTES:
            self.small_files += count
            self.small_bytes += size * count
        slot = bisect_right(_UPPER_BOUNDS, size)
        self.bucket_counts[slot] += count
        self.bucket_bytes[slot] += size * count

    def summary(self) -> InventorySummary:
        return InventorySummary(
            self.files, self.bytes, self.small_files, self.small_bytes, self.key_bytes
        )

    def histogram(self) -> list[SizeBucket]:
        """Every bucket, empty ones too (slot i: below SIZE_BUCKET_BOUNDS[i], last: above)."""
        counts, sizes = self.bucket_counts, self.bucket_bytes
        buckets: list[SizeBucket] = []
        lower, lower_label = 0, ""
        for slot, (upper, upper_label) in enumerate(SIZE_BUCKET_BOUNDS):
            label = f"< {upper_label}" if slot == 0 else f"{lower_label} - {upper_label}"
            buckets.append(SizeBucket(lower, upper, label, counts[slot], sizes[slot]))
            lower, lower_label = upper, upper_label
        buckets.append(SizeBucket(lower, None, f">= {lower_label}", counts[-1], sizes[-1]))
        return buckets
