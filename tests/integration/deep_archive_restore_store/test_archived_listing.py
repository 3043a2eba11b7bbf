"""PrefixListing: ArchivedListing over the Jobs table and manifests in moto, and the in-memory
listing over a catalog, given the same archived files."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import pytest

from strongroom.deep_archive.adapters.archived_listing import ENOUGH_FILES, ArchivedListing
from strongroom.deep_archive.adapters.in_memory_catalog import InMemoryCatalogStore
from strongroom.deep_archive.adapters.in_memory_listing import InMemoryPrefixListing
from strongroom.deep_archive.adapters.job_files import JobFiles, ManifestBuffer
from strongroom.deep_archive.adapters.job_store import DynamoDBJobStore
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.projects import Project, SourceLocation
from strongroom.deep_archive.domain.restore_lookup import PrefixListing
from tests.integration.deep_archive_restore_store.conftest import ARCHIVE_BUCKET
from tests.integration.deep_archive_restore_store.restore_store_contract import catalog_entry

pytestmark = pytest.mark.integration

REPORTS = "finance-reports-src"
EXPORTS = "finance-exports-src"
NOVEMBER = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
FINANCE = Project(
    name="finance",
    sources=(
        SourceLocation(bucket=REPORTS, prefixes=("daily/", "monthly/")),
        SourceLocation(bucket=EXPORTS),
    ),
)


class Archives(Protocol):
    """Archive jobs that already ran, and the listing that finds their files."""

    def job(
        self,
        bucket: str,
        prefix: str,
        archives: Mapping[str, Iterable[CatalogEntry]],
        *,
        project: str = "finance",
        status: JobStatus = JobStatus.SUCCEEDED,
    ) -> None: ...

    def listing(self, *, enough: int | None = ENOUGH_FILES) -> PrefixListing: ...


@dataclass
class TableAndManifests:
    jobs_table: str
    dynamodb: Any
    s3: Any
    job_ids: Iterator[int] = field(default_factory=itertools.count)

    def job(
        self,
        bucket: str,
        prefix: str,
        archives: Mapping[str, Iterable[CatalogEntry]],
        *,
        project: str = "finance",
        status: JobStatus = JobStatus.SUCCEEDED,
    ) -> None:
        number = next(self.job_ids)
        created = datetime(2026, 12, 10, 3, 0, tzinfo=UTC) + timedelta(days=number)
        record = JobRecord(
            job_id=f"job-{number}",
            settings=JobSettings(
                project=project,
                bucket=bucket,
                prefix=prefix,
                output_prefix="finance-archive",
                storage_class="DEEP_ARCHIVE",
                max_files=50_000,
                max_bytes=500 * 1024 * 1024,
            ),
            status=status,
            created_at=created,
            updated_at=created,
            archives=list(archives),
        )
        DynamoDBJobStore(self.jobs_table, self.dynamodb).create(record)
        files = JobFiles(self.s3, ARCHIVE_BUCKET)
        for archive_key, entries in archives.items():
            body = ManifestBuffer()
            for entry in entries:
                body.add(entry)
            files.put_manifest_body(archive_key, body)

    def listing(self, *, enough: int | None = ENOUGH_FILES) -> PrefixListing:
        files = JobFiles(self.s3, ARCHIVE_BUCKET)
        return ArchivedListing(self.jobs_table, files, self.dynamodb, enough=enough)


@dataclass
class Catalogued:
    catalog: InMemoryCatalogStore = field(default_factory=InMemoryCatalogStore)

    def job(
        self,
        bucket: str,
        prefix: str,
        archives: Mapping[str, Iterable[CatalogEntry]],
        *,
        project: str = "finance",
        status: JobStatus = JobStatus.SUCCEEDED,
    ) -> None:
        for entries in archives.values():
            self.catalog.put_entries(entries)

    def listing(self, *, enough: int | None = ENOUGH_FILES) -> PrefixListing:
        return InMemoryPrefixListing(self.catalog, enough=enough)


@pytest.fixture(params=["jobs-and-manifests", "memory"])
def archives(request: pytest.FixtureRequest) -> Archives:
    if request.param == "memory":
        return Catalogued()
    return TableAndManifests(
        request.getfixturevalue("jobs_table"),
        request.getfixturevalue("dynamodb"),
        request.getfixturevalue("s3"),
    )


def entry(key: str, bucket: str = REPORTS, **changes: Any) -> CatalogEntry:
    values: dict[str, Any] = {"source_bucket": bucket, "etag": f'"{key}"'}
    values.update(changes)
    return catalog_entry(key, **values)


def listed(listing: PrefixListing, bucket: str | None, prefix: str) -> list[tuple[str, str, str]]:
    return [
        (found.source_bucket, found.key, found.etag)
        for found in listing.under_prefix(FINANCE, bucket, prefix)
    ]


def archive_two_overlapping_jobs(archives: Archives) -> None:
    """November's daily folder, then all of daily/ again after ``a.csv`` changed."""
    archives.job(
        REPORTS,
        "daily/202611/",
        {
            "finance-archive/job-0/archive-000000.zip": [
                entry("daily/202611/a.csv", etag='"a-v1"'),
                entry("daily/202611/b.csv"),
            ]
        },
    )
    archives.job(
        REPORTS,
        "daily/",
        {
            "finance-archive/job-1/archive-000000.zip": [
                entry("daily/202611/a.csv", etag='"a-v2"', last_modified=NOVEMBER + timedelta(1)),
                entry("daily/202610/z.csv"),
            ],
            "finance-archive/job-1/archive-000001.zip": [entry("daily/202612/c.csv")],
        },
    )


def test_a_file_archived_by_two_jobs_is_listed_once_in_its_newest_version(
    archives: Archives,
) -> None:
    archive_two_overlapping_jobs(archives)

    assert listed(archives.listing(), None, "daily/202611/") == [
        (REPORTS, "daily/202611/a.csv", '"a-v2"'),
        (REPORTS, "daily/202611/b.csv", '"daily/202611/b.csv"'),
    ]
    assert [key for _, key, _ in listed(archives.listing(), REPORTS, "daily/2026")] == [
        "daily/202610/z.csv",
        "daily/202611/a.csv",
        "daily/202611/b.csv",
        "daily/202612/c.csv",
    ]


def test_the_same_version_archived_later_lists_the_later_archive(archives: Archives) -> None:
    first = entry("daily/202611/a.csv", job_id="job-0")
    again = entry(
        "daily/202611/a.csv",
        job_id="job-1",
        archive_key="finance-archive/job-1/archive-000000.zip",
        archived_at=first.archived_at + timedelta(days=31),
    )
    archives.job(REPORTS, "daily/202611/", {first.archive_key: [first]})
    # The catalog keeps one entry per (object, ETag): the later archive replaces the first.
    archives.job(REPORTS, "daily/", {again.archive_key: [again]})

    assert list(archives.listing().under_prefix(FINANCE, None, "daily/202611/")) == [again]


def test_a_bucket_narrows_the_listing(archives: Archives) -> None:
    archive_two_overlapping_jobs(archives)
    archives.job(
        EXPORTS,
        "",
        {"finance-archive/job-2/archive-000000.zip": [entry("daily/202611/x.csv", EXPORTS)]},
    )

    assert [(b, k) for b, k, _ in listed(archives.listing(), EXPORTS, "daily/202611/")] == [
        (EXPORTS, "daily/202611/x.csv")
    ]
    assert [(b, k) for b, k, _ in listed(archives.listing(), REPORTS, "daily/202611/")] == [
        (REPORTS, "daily/202611/a.csv"),
        (REPORTS, "daily/202611/b.csv"),
    ]
    assert [(b, k) for b, k, _ in listed(archives.listing(), None, "daily/202611/")] == [
        (EXPORTS, "daily/202611/x.csv"),
        (REPORTS, "daily/202611/a.csv"),
        (REPORTS, "daily/202611/b.csv"),
    ]


def test_a_prefix_matching_nothing_lists_nothing(archives: Archives) -> None:
    archive_two_overlapping_jobs(archives)

    assert listed(archives.listing(), None, "daily/202605/") == []
    assert listed(archives.listing(), None, "monthly/") == []
    assert listed(archives.listing(), "unregistered-bucket", "daily/") == []


def test_another_projects_files_are_not_listed(archives: Archives) -> None:
    archives.job(
        REPORTS,
        "daily/",
        {"payroll-archive/job-0/archive-000000.zip": [entry("daily/1.csv", project="payroll")]},
        project="payroll",
    )

    assert listed(archives.listing(), None, "") == []


def test_reading_stops_once_enough_files_are_found(archives: Archives) -> None:
    archives.job(
        REPORTS,
        "daily/",
        {
            "finance-archive/job-0/archive-000000.zip": [
                entry(f"daily/202611/{n}.csv") for n in range(5)
            ]
        },
    )

    assert len(listed(archives.listing(enough=3), None, "daily/")) == 3
    assert len(listed(archives.listing(enough=None), None, "daily/")) == 5


class RecordingGets:
    """An S3 client that records the key of every GET."""

    def __init__(self, s3: Any) -> None:
        self._s3 = s3
        self.keys: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s3, name)

    def get_object(self, **arguments: Any) -> Any:
        self.keys.append(arguments["Key"])
        return self._s3.get_object(**arguments)


def test_archives_not_written_yet_are_passed_over_and_dry_runs_not_read(
    jobs_table: str, dynamodb: Any, s3: Any
) -> None:
    written = TableAndManifests(jobs_table, dynamodb, s3)
    written.job(
        REPORTS, "daily/", {"finance-archive/job-0/archive-000000.zip": [entry("daily/1.csv")]}
    )
    store = DynamoDBJobStore(jobs_table, dynamodb)
    done = store.get("job-0")
    assert done is not None
    store.create(
        done.model_copy(
            update={
                "job_id": "job-packing",
                "status": JobStatus.PACKING,
                "archives": ["finance-archive/job-packing/archive-000000.zip"],
            }
        )
    )
    store.create(
        done.model_copy(
            update={
                "job_id": "job-dry-run",
                "status": JobStatus.PLANNED,
                "settings": done.settings.model_copy(update={"dry_run": True}),
                "archives": ["finance-archive/job-dry-run/archive-000000.zip"],
            }
        )
    )
    gets = RecordingGets(s3)
    files = JobFiles(gets, ARCHIVE_BUCKET)  # type: ignore[arg-type]
    listing = ArchivedListing(jobs_table, files, dynamodb)

    assert listed(listing, None, "daily/") == [(REPORTS, "daily/1.csv", '"daily/1.csv"')]
    assert sorted(gets.keys) == [
        "finance-archive/job-0/archive-000000.zip.manifest.jsonl",
        "finance-archive/job-packing/archive-000000.zip.manifest.jsonl",
    ]


def test_the_tables_and_bucket_come_from_the_environment(
    jobs_table: str, dynamodb: Any, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    TableAndManifests(jobs_table, dynamodb, s3).job(
        REPORTS, "daily/", {"finance-archive/job-0/archive-000000.zip": [entry("daily/1.csv")]}
    )
    monkeypatch.setenv("JOBS_TABLE_NAME", jobs_table)
    monkeypatch.setenv("ARCHIVE_BUCKET_NAME", ARCHIVE_BUCKET)

    assert len(listed(ArchivedListing.from_environment(), None, "daily/")) == 1
