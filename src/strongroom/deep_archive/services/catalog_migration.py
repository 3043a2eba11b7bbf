"""Bring archives written before decision 0013 into the new catalog, from what sits beside them.

For every archive of a project's jobs: if its Parquet manifest is under
``_catalog/project=<project>/`` (the packer writes it since decision 0013, or an earlier run of
this command did), its archive record is written from it; otherwise, if its JSON Lines manifest
exists (the archive was written and verified by the code before), the Parquet manifest is
written from that first. A record an earlier version wrote, naming a manifest beside the
archive, is replaced; that older manifest is left in place. Both writes are idempotent, so the
command can be rerun or interrupted at any point. Nothing is deleted: the per-file catalog items
and the JSON Lines manifests of old archives stay (restores fall back to the items for archives
with no record).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from strongroom.deep_archive.adapters.archive_record_store import (
    ArchiveRecordStore,
    DynamoDBArchiveRecords,
)
from strongroom.deep_archive.adapters.archived_listing import ArchivedListing
from strongroom.deep_archive.adapters.job_files import (
    JobFiles,
    parquet_manifest_key,
)
from strongroom.deep_archive.adapters.parquet_manifest import (
    read_stored_manifest,
    write_parquet_manifest,
)
from strongroom.deep_archive.domain.archive_records import ArchiveTally
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.job_records import JobRecord

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client


@dataclass
class MigrationReport:
    archives: int = 0
    manifests_written: int = 0
    records_written: int = 0
    without_manifest: list[str] = field(default_factory=list)
    """Archives a job planned that have no manifest (never written, or still packing)."""


def migrate_project(
    project: str,
    *,
    jobs_table: str,
    catalog_table: str,
    archive_bucket: str,
    dynamodb: DynamoDBClient,
    s3: S3Client,
) -> MigrationReport:
    """``migrate_catalog`` over every job of ``project`` in the deployment's tables."""
    files = JobFiles(s3, archive_bucket)
    jobs = ArchivedListing(jobs_table, files, dynamodb).project_jobs(project)
    return migrate_catalog(jobs, files, DynamoDBArchiveRecords(catalog_table, dynamodb), s3)


def migrate_catalog(
    jobs: Iterable[JobRecord], files: JobFiles, records: ArchiveRecordStore, s3: S3Client
) -> MigrationReport:
    report = MigrationReport()
    for job in jobs:
        if job.settings.dry_run:
            continue
        for archive_key in job.archives:
            report.archives += 1
            manifest_key = parquet_manifest_key(job.settings.project, job.job_id, archive_key)
            _migrate_archive(archive_key, manifest_key, files, records, report, s3)
    return report


def _migrate_archive(
    archive_key: str,
    manifest_key: str,
    files: JobFiles,
    records: ArchiveRecordStore,
    report: MigrationReport,
    s3: S3Client,
) -> None:
    tally = ArchiveTally()

    def tallied(entries: Iterable[CatalogEntry]) -> Iterator[CatalogEntry]:
        for entry in entries:
            tally.add(entry)
            yield entry

    try:
        if files.has_parquet_manifest(manifest_key):
            for _ in tallied(read_stored_manifest(s3, files.bucket, manifest_key)):
                pass
        else:
            manifest = write_parquet_manifest(tallied(files.iter_manifest(archive_key)))
            files.put_parquet_manifest(manifest_key, manifest)
            report.manifests_written += 1
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in {"NoSuchKey", "404"}:
            raise
        report.without_manifest.append(archive_key)
        return
    record = tally.record(manifest_key)
    if record is not None:
        records.put_archive(record)
        report.records_written += 1
