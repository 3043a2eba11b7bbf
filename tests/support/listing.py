"""deep_archive's planning steps applied to whole lists, as tests and benchmarks want them.

Production streams: it tallies and plans a listing already in key order as it goes, and splits
the plan among workers by the archives' weights alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from strongroom.deep_archive.domain.grouping import (
    ArchivePlan,
    SourceObject,
    iter_archive_plans,
    worker_ranges,
)
from strongroom.deep_archive.domain.tally import ListingTally


def tallied(objects: Iterable[SourceObject]) -> ListingTally:
    counted = ListingTally()
    for source in objects:
        counted.add(source)
    return counted


def planned(
    objects: Iterable[SourceObject],
    *,
    max_files: int,
    max_bytes: int,
    output_prefix: str,
    project: str,
    run_label: str,
) -> list[ArchivePlan]:
    """Every archive for ``objects`` (any order; keys must be unique), in key order."""
    return list(
        iter_archive_plans(
            sorted(objects, key=lambda source: source.key),
            max_files=max_files,
            max_bytes=max_bytes,
            output_prefix=output_prefix,
            project=project,
            run_label=run_label,
        )
    )


def split_among(plans: Sequence[ArchivePlan], workers: int) -> list[list[ArchivePlan]]:
    """Each worker's contiguous run of ``plans``, as ``worker_ranges`` assigns them."""
    ranges = worker_ranges([plan.archive_bytes for plan in plans], workers)
    return [list(plans[first:end]) for first, end in ranges]
