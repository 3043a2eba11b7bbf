"""Full-key lookups through archive records and Parquet manifests, in memory."""

from __future__ import annotations

import pytest

from strongroom.deep_archive.adapters.archive_record_store import ArchiveRecordStore
from strongroom.deep_archive.adapters.in_memory_archive_records import InMemoryArchiveRecords
from strongroom.deep_archive.adapters.job_files import (
    parquet_manifest_key,
)
from strongroom.deep_archive.adapters.manifest_catalog import (
    InMemoryManifestReader,
    ManifestCatalog,
)
from strongroom.deep_archive.adapters.parquet_manifest import (
    write_parquet_manifest,
)
from strongroom.deep_archive.domain.archive_records import (
    ArchiveRecord,
    MixedArchiveError,
    archive_record,
)
from strongroom.deep_archive.domain.catalog import CatalogEntry
from tests.unit.deep_archive.test_parquet_manifest import entry

BUCKET = "strongroom-demo-source"


def archived(job_id: str, part: int, keys: list[str], age: int = 0) -> list[CatalogEntry]:
    archive_key = f"demo-20250410/demo/{job_id}/part-{part:06d}.zip"
    return [
        entry(key, number + age).model_copy(update={"job_id": job_id, "archive_key": archive_key})
        for number, key in enumerate(keys)
    ]


class World:
    def __init__(self, records: ArchiveRecordStore | None = None) -> None:
        self.records = records or InMemoryArchiveRecords()
        self.manifests = InMemoryManifestReader()
        self.catalog = ManifestCatalog(self.records, self.manifests)

    def pack(self, entries: list[CatalogEntry]) -> ArchiveRecord:
        first = entries[0]
        manifest_key = parquet_manifest_key(first.project, first.job_id, first.archive_key)
        self.manifests.put(entries[0].archive_bucket, manifest_key, write_parquet_manifest(entries))
        record = archive_record(entries, manifest_key)
        assert record is not None
        self.records.put_archive(record)
        return record


def packed(world: World) -> World:
    """Job one: three archives over a..i; job two re-archived e and f (changed) later."""
    world.pack(archived("job-1", 0, ["d/a.csv", "d/b.csv", "d/c.csv"]))
    world.pack(archived("job-1", 1, ["d/d.csv", "d/e.csv", "d/f.csv"]))
    world.pack(archived("job-1", 2, ["d/g.csv", "d/i.csv"]))
    world.pack(archived("job-2", 0, ["d/e.csv", "d/f.csv"], age=100))
    return world


@pytest.fixture
def world() -> World:
    return packed(World())


def test_a_record_is_the_archives_key_range_and_counts() -> None:
    entries = archived("job-1", 0, ["d/b.csv", "d/a.csv", "d/c.csv"])

    record = archive_record(entries, "m.parquet")

    assert record is not None
    assert (record.first_key, record.last_key, record.members) == ("d/a.csv", "d/c.csv", 3)
    assert record.member_bytes == sum(each.size for each in entries)
    assert record.archived_at == max(each.archived_at for each in entries)
    assert archive_record([], "m.parquet") is None


def test_entries_of_two_archives_are_not_one_record() -> None:
    mixed = archived("job-1", 0, ["d/a.csv"]) + archived("job-1", 1, ["d/b.csv"])

    with pytest.raises(MixedArchiveError, match=r"part-000001\.zip, not"):
        archive_record(mixed, "m.parquet")


def test_a_key_is_found_in_the_one_archive_of_its_job_that_holds_it(world: World) -> None:
    found = world.catalog.get_latest("demo", BUCKET, "d/g.csv")

    assert found is not None
    assert found.archive_key.endswith("job-1/part-000002.zip")
    assert [r.job_id for r in world.records.archives_holding("demo", BUCKET, "d/g.csv")] == [
        "job-1"
    ]


def test_a_key_archived_twice_resolves_to_the_newest_version(world: World) -> None:
    found = world.catalog.get_latest("demo", BUCKET, "d/e.csv")
    holding = world.records.archives_holding("demo", BUCKET, "d/e.csv")

    assert found is not None
    assert found.job_id == "job-2"
    assert sorted(record.job_id for record in holding) == ["job-1", "job-2"]


@pytest.mark.parametrize(
    "key",
    ["d/h.csv", "d/0.csv", "d/z.csv", "e/a.csv"],  # a gap, before, after, another folder
)
def test_a_key_in_no_archive_is_unknown(world: World, key: str) -> None:
    assert world.catalog.get_latest("demo", BUCKET, key) is None


def test_other_projects_and_buckets_are_not_searched(world: World) -> None:
    assert world.catalog.get_latest("other", BUCKET, "d/a.csv") is None
    assert world.catalog.get_latest("demo", "other-bucket", "d/a.csv") is None


def test_recording_an_archive_twice_changes_nothing(world: World) -> None:
    again = archived("job-1", 1, ["d/d.csv", "d/e.csv", "d/f.csv"])
    world.pack(again)

    holding = world.records.archives_holding("demo", BUCKET, "d/d.csv")
    assert [(r.job_id, r.first_key, r.last_key) for r in holding] == [
        ("job-1", "d/d.csv", "d/f.csv")
    ]
