"""One record per archive: the key range it holds and where its Parquet manifest is.

A job plans its archives in key order, so the archives of one job hold disjoint key ranges:
a full key is in at most one archive per job, the one whose first key is the greatest not above
it (if its last key is not below it). That is what lets the catalog keep per-file metadata in
the manifests (decision 0013) and still find a file by key with one Query per candidate job.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from strongroom.deep_archive.domain.catalog import CatalogEntry


class ArchiveRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    project: str
    source_bucket: str
    job_id: str
    archive_bucket: str
    archive_key: str
    manifest_key: str
    storage_class: str
    first_key: str = Field(min_length=1)
    last_key: str = Field(min_length=1)
    members: int = Field(ge=1)
    member_bytes: int = Field(ge=0)
    archived_at: datetime

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.first_key > self.last_key:
            raise ValueError(f"first_key {self.first_key!r} is after last_key {self.last_key!r}")
        return self

    def holds(self, key: str) -> bool:
        """Whether ``key`` is inside this archive's key range (it may still not be a member)."""
        return self.first_key <= key <= self.last_key

    def overlaps_prefix(self, prefix: str) -> bool:
        """Whether some key starting with ``prefix`` is inside this archive's key range."""
        return range_overlaps_prefix(self.first_key, self.last_key, prefix)


def range_overlaps_prefix(first: str, last: str, prefix: str) -> bool:
    """Whether the key range ``[first, last]`` holds some key starting with ``prefix``.

    Keys starting with ``prefix`` are contiguous in key order and begin at ``prefix`` itself,
    so the range reaches them when it does not end before ``prefix`` and does not start after
    the last of them (a start after ``prefix`` is in them only if it starts with it).
    """
    return last >= prefix and (first <= prefix or first.startswith(prefix))


class MixedArchiveError(ValueError):
    """Entries said to be one archive's name two archives, projects, buckets or jobs."""


class ArchiveTally:
    """An archive's record, computed from its members' entries as they stream past."""

    def __init__(self) -> None:
        self._first: CatalogEntry | None = None
        self._first_key = self._last_key = ""
        self._members = self._member_bytes = 0
        self._archived_at: datetime | None = None

    def add(self, entry: CatalogEntry) -> None:
        if self._first is None:
            self._first, self._first_key, self._last_key = entry, entry.key, entry.key
            self._archived_at = entry.archived_at
        elif _archive_of(entry) != _archive_of(self._first):
            raise MixedArchiveError(
                f"{entry.key} is in {entry.archive_key}, not {self._first.archive_key}"
            )
        self._first_key = min(self._first_key, entry.key)
        self._last_key = max(self._last_key, entry.key)
        self._members += 1
        self._member_bytes += entry.size
        if self._archived_at is None or entry.archived_at > self._archived_at:
            self._archived_at = entry.archived_at

    def record(self, manifest_key: str) -> ArchiveRecord | None:
        """The record (None when no entry was added)."""
        first = self._first
        if first is None or self._archived_at is None:
            return None
        return ArchiveRecord(
            project=first.project,
            source_bucket=first.source_bucket,
            job_id=first.job_id,
            archive_bucket=first.archive_bucket,
            archive_key=first.archive_key,
            manifest_key=manifest_key,
            storage_class=first.storage_class,
            first_key=self._first_key,
            last_key=self._last_key,
            members=self._members,
            member_bytes=self._member_bytes,
            archived_at=self._archived_at,
        )


def archive_record(entries: Iterable[CatalogEntry], manifest_key: str) -> ArchiveRecord | None:
    """The record of the archive ``entries`` are the members of (None for no entries)."""
    tally = ArchiveTally()
    for entry in entries:
        tally.add(entry)
    return tally.record(manifest_key)


def _archive_of(entry: CatalogEntry) -> tuple[str, str, str, str, str]:
    return (
        entry.project,
        entry.source_bucket,
        entry.job_id,
        entry.archive_bucket,
        entry.archive_key,
    )
