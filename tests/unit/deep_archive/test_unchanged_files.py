"""Planning's unchanged-file skip: the sorted listing merged with the manifests of the earlier
archives whose key ranges overlap the prefix, in memory (the moto twin reuses these tests)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Protocol

import pytest

from strongroom.deep_archive.adapters.archive_record_store import ArchiveRecordStore
from strongroom.deep_archive.adapters.in_memory_archive_records import InMemoryArchiveRecords
from strongroom.deep_archive.adapters.in_memory_manifest_etags import InMemoryManifestEtags
from strongroom.deep_archive.adapters.job_files import parquet_manifest_key
from strongroom.deep_archive.adapters.parquet_manifest import write_parquet_manifest
from strongroom.deep_archive.domain.archive_records import ArchiveRecord, archive_record
from strongroom.deep_archive.domain.grouping import SourceObject
from strongroom.deep_archive.domain.unchanged_files import UnsortedListingError, mark_unchanged
from tests.unit.deep_archive.test_parquet_manifest import entry

PROJECT, BUCKET = "demo", "strongroom-demo-source"
LISTED_AT = datetime(2025, 5, 10, tzinfo=UTC)


class Manifests(Protocol):
    def put(self, bucket: str, key: str, manifest: bytes) -> None: ...

    def rows(self, record: ArchiveRecord) -> Iterator[tuple[str, str]]: ...


class World:
    """Archive records and Parquet manifests as the packer leaves them."""

    def __init__(
        self, records: ArchiveRecordStore | None = None, manifests: Manifests | None = None
    ) -> None:
        self.records = records or InMemoryArchiveRecords()
        self.manifests: Manifests = manifests or InMemoryManifestEtags()

    def pack(self, job_id: str, part: int, files: dict[str, str]) -> ArchiveRecord:
        archive_key = f"demo-archive/demo/{job_id}/part-{part:06d}.zip"
        entries = [
            entry(key, number, etag=etag).model_copy(
                update={"job_id": job_id, "archive_key": archive_key}
            )
            for number, (key, etag) in enumerate(files.items())
        ]
        manifest_key = parquet_manifest_key(PROJECT, job_id, archive_key)
        self.manifests.put(entries[0].archive_bucket, manifest_key, write_parquet_manifest(entries))
        record = archive_record(entries, manifest_key)
        assert record is not None
        self.records.put_archive(record)
        return record

    def mark(self, listing: dict[str, str], prefix: str = "d/") -> dict[str, bool]:
        archives = self.records.archives_overlapping(PROJECT, BUCKET, prefix)
        marked = mark_unchanged(listed(listing), archives, self.manifests.rows)
        return {item.key: archived for item, archived in marked}


def listed(files: dict[str, str]) -> Iterator[SourceObject]:
    for key in sorted(files):
        yield SourceObject(key=key, size=10, etag=files[key], last_modified=LISTED_AT)


def packed(world: World) -> World:
    """Job one archived d/a..d/i in three archives (one straddling from c/); job two later
    archived changed versions of d/e and d/f; job three archived e/ only."""
    world.pack("job-1", 0, {"c/z.csv": '"1"', "d/a.csv": '"1"', "d/b.csv": '"1"'})
    world.pack("job-1", 1, {"d/d.csv": '"1"', "d/e.csv": '"1"', "d/f.csv": '"1"'})
    world.pack("job-1", 2, {"d/g.csv": '"1"', "d/i.csv": '"1"'})
    world.pack("job-2", 0, {"d/e.csv": '"2"', "d/f.csv": '"2"'})
    world.pack("job-3", 0, {"e/a.csv": '"1"', "e/b.csv": '"1"'})
    return world


@pytest.fixture
def world() -> World:
    return packed(World())


def test_files_archived_with_their_etag_are_unchanged_whichever_job_archived_them(
    world: World,
) -> None:
    marks = world.mark(
        {
            "d/a.csv": '"1"',  # job one, same
            "d/b.csv": '"9"',  # job one, changed since
            "d/c.csv": '"1"',  # in a gap of job one's ranges: never archived
            "d/e.csv": '"1"',  # job one's version (job two archived another since)
            "d/f.csv": '"2"',  # job two's version
            "d/i.csv": '"1"',
            "d/j.csv": '"1"',  # after every range
        }
    )

    assert marks == {
        "d/a.csv": True,
        "d/b.csv": False,
        "d/c.csv": False,
        "d/e.csv": True,
        "d/f.csv": True,
        "d/i.csv": True,
        "d/j.csv": False,
    }


def test_only_archives_overlapping_the_prefix_are_candidates(world: World) -> None:
    def overlapping(prefix: str) -> list[tuple[str, str]]:
        return [
            (record.job_id, record.first_key)
            for record in world.records.archives_overlapping(PROJECT, BUCKET, prefix)
        ]

    assert overlapping("d/") == [
        ("job-1", "c/z.csv"),  # starts before d/ and reaches into it
        ("job-1", "d/d.csv"),
        ("job-2", "d/e.csv"),
        ("job-1", "d/g.csv"),
    ]
    assert overlapping("d/e") == [("job-1", "d/d.csv"), ("job-2", "d/e.csv")]
    assert overlapping("d/f/") == []  # after d/f.csv, before d/g.csv: between two archives
    assert overlapping("d/h") == [("job-1", "d/g.csv")]  # inside d/g.csv .. d/i.csv
    assert overlapping("e/") == [("job-3", "e/a.csv")]
    assert overlapping("f/") == []
    assert len(overlapping("")) == 5
    assert world.records.archives_overlapping(PROJECT, "other-bucket", "") == []
    assert sorted(world.records.recorded_jobs(PROJECT, BUCKET)) == ["job-1", "job-2", "job-3"]
    assert world.records.recorded_jobs("other", BUCKET) == []


def test_a_listing_never_opens_the_archives_it_does_not_reach() -> None:
    world = packed(World())
    manifests = world.manifests
    assert isinstance(manifests, InMemoryManifestEtags)

    marks = world.mark({"d/g.csv": '"1"'})

    assert marks == {"d/g.csv": True}
    assert [key.rpartition("/")[2] for key in manifests.opened] == ["job-1-part-000002.parquet"]


def test_nothing_archived_before_marks_nothing() -> None:
    assert World().mark({"d/a.csv": '"1"', "d/b.csv": '"1"'}) == {
        "d/a.csv": False,
        "d/b.csv": False,
    }


def test_a_listing_out_of_key_order_is_refused(world: World) -> None:
    archives = world.records.archives_overlapping(PROJECT, BUCKET, "d/")
    backwards = [
        SourceObject(key=key, size=1, etag='"1"', last_modified=LISTED_AT)
        for key in ("d/b.csv", "d/a.csv")
    ]

    with pytest.raises(UnsortedListingError, match=r"'d/a\.csv' after 'd/b\.csv'"):
        list(mark_unchanged(backwards, archives, world.manifests.rows))
