"""Restores resolved through decision 0013's catalog, in memory: full keys through the archive
records and Parquet manifests, bare names through the manifests' names then the same full-key
path, prefixes through the records' key ranges and the manifests' row groups. Archives with no
record (unmigrated) answer through their per-file items; archives with only a record and a
manifest (no per-file item at all, as the packer will write them) answer all the same.

``tests/integration/deep_archive_catalog/test_restore_catalog_moto.py`` runs these tests again
against DynamoDB and S3 in moto, with DuckDB answering the names.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest

from strongroom.deep_archive.adapters.archive_record_store import ArchiveRecordStore
from strongroom.deep_archive.adapters.catalog_store import CatalogStore
from strongroom.deep_archive.adapters.in_memory_archive_records import InMemoryArchiveRecords
from strongroom.deep_archive.adapters.in_memory_catalog import InMemoryCatalogStore
from strongroom.deep_archive.adapters.in_memory_listing import InMemoryPrefixListing
from strongroom.deep_archive.adapters.job_files import parquet_manifest_key
from strongroom.deep_archive.adapters.manifest_catalog import (
    InMemoryManifestReader,
    ManifestCatalog,
    ManifestReader,
)
from strongroom.deep_archive.adapters.manifest_names import InMemoryNamedFiles, NamedFiles
from strongroom.deep_archive.adapters.parquet_manifest import write_parquet_manifest
from strongroom.deep_archive.adapters.restore_catalog import PrefetchedLookups, RestoreCatalog
from strongroom.deep_archive.domain.archive_records import ArchiveRecord, archive_record
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.restore_lookup import (
    AmbiguousFiles,
    CatalogLookup,
    PrefixListing,
    UnknownFiles,
    resolve_restore,
)
from strongroom.deep_archive.domain.restores import RestoreRequest

from .archives import (
    ARCHIVE_BUCKET,
    ARCHIVED,
    PROJECT,
    SOURCE_BUCKET,
    TOPIC,
    csv_file,
    pack,
    project,
)
from .test_restore_lookup import DEPLOYMENT

Archives = dict[str, list[CatalogEntry]]
"""Archive key -> the entries of its members."""


def archived(job_id: str, part: int, keys: list[str], *, days_later: int = 0) -> Archives:
    """One archive of ``job_id`` holding ``keys``, written ``days_later`` than the first."""
    archive_key = f"archives/demo/{job_id}/part-{part:06d}.zip"
    later = timedelta(days=days_later)
    return {
        archive_key: [
            entry.model_copy(
                update={
                    "job_id": job_id,
                    "last_modified": entry.last_modified + later,
                    "archived_at": ARCHIVED + later,
                }
            )
            for entry in pack(archive_key, [csv_file(key) for key in keys])[1]
        ]
    }


class CatalogWorld:
    """Archives catalogued as the packer and the migration leave them, and the restore catalog
    and prefix listing that read them. Subclasses put the same things in moto."""

    items: CatalogStore
    records: ArchiveRecordStore
    reader: ManifestReader
    names: NamedFiles

    def job(self, job_id: str, archives: Archives, *, items: bool, records: bool) -> None:
        """A finished job: with per-file ``items`` (and JSON Lines manifests) and/or with an
        archive ``records`` and a Parquet manifest per archive."""
        self.record_job(job_id, list(archives))
        for archive_key, entries in archives.items():
            if items:
                self.items.put_entries(entries)
                self.put_jsonl_manifest(archive_key, entries)
            if records:
                manifest_key = parquet_manifest_key(PROJECT, job_id, archive_key)
                self.put_parquet_manifest(manifest_key, entries)
                record = archive_record(entries, manifest_key)
                assert record is not None
                self.records.put_archive(record)

    @property
    def manifests(self) -> ManifestCatalog:
        return ManifestCatalog(self.records, self.reader)

    @property
    def catalog(self) -> RestoreCatalog:
        return RestoreCatalog(self.manifests, self.names, self.items)

    @property
    def listing(self) -> PrefixListing:
        raise NotImplementedError

    def record_job(self, job_id: str, archive_keys: list[str]) -> None:
        raise NotImplementedError

    def put_jsonl_manifest(self, archive_key: str, entries: list[CatalogEntry]) -> None:
        raise NotImplementedError

    def put_parquet_manifest(self, manifest_key: str, entries: list[CatalogEntry]) -> None:
        raise NotImplementedError


class CountingReader(InMemoryManifestReader):
    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def find(self, record: ArchiveRecord, key: str) -> list[CatalogEntry]:
        self.read.append(record.manifest_key)
        return super().find(record, key)

    def under_prefix(self, record: ArchiveRecord, prefix: str) -> list[CatalogEntry]:
        self.read.append(record.manifest_key)
        return super().under_prefix(record, prefix)


class InMemoryWorld(CatalogWorld):
    def __init__(self) -> None:
        self.items = self.item_store = InMemoryCatalogStore()
        self.records = InMemoryArchiveRecords()
        self.reader = self.counting_reader = CountingReader()
        self.names = self.named_files = InMemoryNamedFiles()
        self._manifests: dict[str, bytes] = {}

    @property
    def listing(self) -> PrefixListing:
        return InMemoryPrefixListing(self.item_store, recorded=self.manifests)

    def record_job(self, job_id: str, archive_keys: list[str]) -> None:
        """In memory the per-file entries stand for the jobs and their JSON Lines manifests."""

    def put_jsonl_manifest(self, archive_key: str, entries: list[CatalogEntry]) -> None:
        """The items hold the same entries (see ``record_job``)."""

    def put_parquet_manifest(self, manifest_key: str, entries: list[CatalogEntry]) -> None:
        manifest = write_parquet_manifest(entries)
        self.counting_reader.put(ARCHIVE_BUCKET, manifest_key, manifest)
        self.named_files.add(entries)


UNMIGRATED = archived("job-1", 0, ["2024/north/old.csv", "2024/north/report.csv"])
"""Written before the records existed: per-file items and a JSON Lines manifest only."""
RECORDED = {
    **archived("job-2", 0, ["2025/north/report.csv", "2025/north/unique.csv"]),
    **archived("job-2", 1, ["2025/south/report.csv", "2025/south/z.csv"]),
}
"""Records and Parquet manifests only: no per-file item at all."""
REARCHIVED = archived("job-3", 0, ["2024/north/old.csv"], days_later=30)
"""A newer version of an unmigrated file, in a records-only archive."""
MIGRATED = archived("job-4", 0, ["2026/both.csv"])
"""Both: as the packer writes today, or an archive catalog-migrate brought in."""


def populate(world: CatalogWorld) -> CatalogWorld:
    world.job("job-1", UNMIGRATED, items=True, records=False)
    world.job("job-2", RECORDED, items=False, records=True)
    world.job("job-3", REARCHIVED, items=False, records=True)
    world.job("job-4", MIGRATED, items=True, records=True)
    return world


@pytest.fixture
def world() -> CatalogWorld:
    return populate(InMemoryWorld())


def the(archives: Archives, key: str) -> CatalogEntry:
    (found,) = [entry for entries in archives.values() for entry in entries if entry.key == key]
    return found


def restore(world: CatalogWorld, **selection: Any) -> list[CatalogEntry]:
    request = RestoreRequest.model_validate(
        {"project_name": PROJECT, "retrieval_tier": "Standard", "sns_topic_arn": TOPIC} | selection
    )
    _, files = resolve_restore(request, project(), DEPLOYMENT, world.catalog, world.listing)
    return [file.entry for file in files]


def test_a_full_key_with_only_a_record_and_a_manifest_is_its_packed_entry(
    world: CatalogWorld,
) -> None:
    wanted = the(RECORDED, "2025/south/z.csv")

    assert world.catalog.get_latest(PROJECT, SOURCE_BUCKET, wanted.key) == wanted
    assert restore(world, filename="2025/south/z.csv") == [wanted]
    assert restore(world, filename=f"s3://{SOURCE_BUCKET}/2025/north/unique.csv") == [
        the(RECORDED, "2025/north/unique.csv")
    ]


def test_a_full_key_in_an_unmigrated_archive_answers_through_its_items(
    world: CatalogWorld,
) -> None:
    assert restore(world, filename="2024/north/report.csv") == [
        the(UNMIGRATED, "2024/north/report.csv")
    ]
    assert restore(world, filename="2026/both.csv") == [the(MIGRATED, "2026/both.csv")]


def test_a_key_in_an_unmigrated_and_a_recorded_archive_is_its_newest_version(
    world: CatalogWorld,
) -> None:
    assert restore(world, filename="2024/north/old.csv") == [the(REARCHIVED, "2024/north/old.csv")]


def test_an_unknown_full_key_is_404(world: CatalogWorld) -> None:
    with pytest.raises(UnknownFiles) as raised:
        restore(world, files=["2025/north/missing.csv", "2025/south/z.csv", "2023/a.csv"])

    assert raised.value.status == HTTPStatus.NOT_FOUND
    assert raised.value.names == ["2025/north/missing.csv", "2023/a.csv"]


def test_a_unique_bare_name_resolves_whichever_catalog_holds_it(world: CatalogWorld) -> None:
    assert restore(world, filename="unique.csv") == [the(RECORDED, "2025/north/unique.csv")]
    assert restore(world, filename="both.csv") == [the(MIGRATED, "2026/both.csv")]
    assert restore(world, filename="old.csv") == [the(REARCHIVED, "2024/north/old.csv")]


def test_an_ambiguous_bare_name_is_409_listing_each_file_once(world: CatalogWorld) -> None:
    with pytest.raises(AmbiguousFiles) as raised:
        restore(world, filename="report.csv")

    assert raised.value.status == HTTPStatus.CONFLICT
    assert raised.value.matches == {
        "report.csv": ["2024/north/report.csv", "2025/north/report.csv", "2025/south/report.csv"]
    }


def test_an_unknown_bare_name_is_404(world: CatalogWorld) -> None:
    with pytest.raises(UnknownFiles) as raised:
        restore(world, filename="nothing.csv")

    assert raised.value.status == HTTPStatus.NOT_FOUND
    assert raised.value.names == ["nothing.csv"]


def test_a_prefix_over_records_only_archives_lists_their_files(world: CatalogWorld) -> None:
    assert restore(world, prefix="2025/") == [
        the(RECORDED, key)
        for key in [
            "2025/north/report.csv",
            "2025/north/unique.csv",
            "2025/south/report.csv",
            "2025/south/z.csv",
        ]
    ]


def test_a_prefix_over_both_kinds_lists_the_newest_version_of_each_file(
    world: CatalogWorld,
) -> None:
    assert restore(world, prefix="2024/north/") == [
        the(REARCHIVED, "2024/north/old.csv"),
        the(UNMIGRATED, "2024/north/report.csv"),
    ]
    assert restore(world, prefix="2026/") == [the(MIGRATED, "2026/both.csv")]


def test_a_prefix_matching_nothing_is_404(world: CatalogWorld) -> None:
    with pytest.raises(UnknownFiles) as raised:
        restore(world, prefix="2025/west/")

    assert raised.value.names == ["2025/west/"]


def test_only_the_manifests_whose_key_range_meets_the_prefix_or_key_are_read() -> None:
    world = InMemoryWorld()
    populate(world)

    restore(world, prefix="2025/south/")
    assert world.counting_reader.read == ["_catalog/project=demo/job-2-part-000001.parquet"]

    world.counting_reader.read.clear()
    restore(world, filename="2025/north/unique.csv")
    assert world.counting_reader.read == ["_catalog/project=demo/job-2-part-000000.parquet"]


class MeetingLookups:
    """A catalog whose lookups wait for one another in pairs: only lookups made at the same
    time get through (the barrier's timeout only guards against a hang)."""

    def __init__(self, catalog: CatalogLookup) -> None:
        self.catalog = catalog
        self.barrier = threading.Barrier(2, timeout=30)
        self.looked_up: list[tuple[str, str]] = []

    def get_latest(self, project: str, bucket: str, key: str) -> CatalogEntry | None:
        self.looked_up.append((bucket, key))
        self.barrier.wait()
        return self.catalog.get_latest(project, bucket, key)

    def find_by_file_name(self, project: str, file_name: str) -> list[CatalogEntry]:
        return self.catalog.find_by_file_name(project, file_name)


def test_a_requests_full_keys_are_looked_up_at_once_and_each_once(world: CatalogWorld) -> None:
    keys = ["2025/south/z.csv", "2024/north/report.csv", "2025/north/missing.csv", "2026/both.csv"]
    addresses = [(SOURCE_BUCKET, key) for key in [*keys, keys[0]]]
    meeting = MeetingLookups(world.catalog)

    prefetched = PrefetchedLookups(meeting, PROJECT, addresses, workers=2)
    answers = [prefetched.get_latest(PROJECT, SOURCE_BUCKET, key) for key in keys]

    assert answers == [world.catalog.get_latest(PROJECT, SOURCE_BUCKET, key) for key in keys]
    assert answers[2] is None
    assert sorted(meeting.looked_up) == sorted((SOURCE_BUCKET, key) for key in keys)
