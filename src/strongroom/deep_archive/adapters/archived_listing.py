"""Every archived file under a key prefix, found without scanning the catalog.

The catalog's keys (``project#bucket#key``) answer no prefix query, but what the archive jobs
keep does: each JOB item names its project, bucket, source prefix and archive keys. Only jobs
whose prefix overlaps the wanted one are read. Of each, the archives with a record (decision
0013) are read through the records whose key ranges meet the prefix and, in their Parquet
manifests, the row groups whose key statistics can hold it; the archives with no record
(unmigrated) through their JSON Lines manifests, streamed line by line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Self

from botocore.exceptions import ClientError
from pydantic import Field

from strongroom.core import aws
from strongroom.core.settings import EnvironmentSettings
from strongroom.deep_archive.adapters.item_codec import attribute
from strongroom.deep_archive.adapters.job_files import JobFiles
from strongroom.deep_archive.adapters.job_store import JOB_RECORD, JobsTableSettings, job_from_item
from strongroom.deep_archive.domain.catalog import CatalogEntry
from strongroom.deep_archive.domain.job_records import JobRecord
from strongroom.deep_archive.domain.names import BucketName
from strongroom.deep_archive.domain.projects import Project
from strongroom.deep_archive.domain.restore_lookup import newest_per_file
from strongroom.deep_archive.domain.restores import MAX_FILES_PER_REQUEST

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from strongroom.deep_archive.adapters.manifest_catalog import ManifestCatalog

ENOUGH_FILES = MAX_FILES_PER_REQUEST + 1
"""Distinct files after which a listing stops reading: the request is refused as too large."""


class ArchiveBucketSettings(EnvironmentSettings):
    bucket: BucketName = Field(alias="ARCHIVE_BUCKET_NAME")


def listed_buckets(project: Project, bucket: str | None) -> frozenset[str]:
    """``bucket``, or every bucket the project registered."""
    if bucket is not None:
        return frozenset({bucket})
    return frozenset(source.bucket for source in project.sources)


def prefixes_overlap(first: str, second: str) -> bool:
    """One prefix starts with the other: some key can start with both."""
    return first.startswith(second) or second.startswith(first)


def selected(entry: CatalogEntry, project: str, buckets: frozenset[str], prefix: str) -> bool:
    return (
        entry.project == project and entry.source_bucket in buckets and entry.key.startswith(prefix)
    )


def newest_of_first_files(
    entries: Iterable[CatalogEntry], enough: int | None
) -> list[CatalogEntry]:
    """The newest entry of each file, reading until ``enough`` distinct files are found.

    Up to ``enough - 1`` files the answer is exact. At ``enough`` reading stops: the caller
    only counts them (to refuse the request), so a newer version of one of them that a later
    archive holds is not looked for.
    """
    matched: list[CatalogEntry] = []
    files: set[tuple[str, str]] = set()
    for entry in entries:
        matched.append(entry)
        files.add((entry.source_bucket, entry.key))
        if enough is not None and len(files) >= enough:
            break
    return newest_per_file(matched)


class ArchivedListing:
    """PrefixListing over the Jobs table and the archives' manifests.

    Jobs are found by a Scan filtered on the project: a jobs table holds a few items per job
    and a project runs about one job a month, so the table stays small; the manifests, which
    hold the files, are read only for the jobs that can hold a matching key.
    """

    def __init__(
        self,
        jobs_table: str,
        job_files: JobFiles,
        client: DynamoDBClient | None = None,
        *,
        enough: int | None = ENOUGH_FILES,
        recorded: ManifestCatalog | None = None,
    ) -> None:
        """Without ``recorded`` every archive is read as unmigrated (the migration's use)."""
        self._jobs_table = jobs_table
        self._job_files = job_files
        self._client: DynamoDBClient = client or aws.client("dynamodb")
        self._enough = enough
        self._recorded = recorded

    @classmethod
    def from_environment(cls, recorded: ManifestCatalog | None = None) -> Self:
        bucket = ArchiveBucketSettings.from_environment().bucket
        return cls(
            JobsTableSettings.from_environment().table_name,
            JobFiles(aws.client("s3"), bucket),
            recorded=recorded,
        )

    def under_prefix(
        self, project: Project, bucket: str | None, prefix: str
    ) -> Iterator[CatalogEntry]:
        buckets = listed_buckets(project, bucket)
        jobs = [
            job
            for job in self.project_jobs(project.name)
            if not job.settings.dry_run
            and job.settings.bucket in buckets
            and prefixes_overlap(job.settings.prefix, prefix)
        ]
        entries = (
            entry
            for job in jobs
            for entry in self._job_entries(job, prefix)
            if selected(entry, project.name, buckets, prefix)
        )
        yield from newest_of_first_files(entries, self._enough)

    def _job_entries(self, job: JobRecord, prefix: str) -> Iterator[CatalogEntry]:
        recorded: frozenset[str] = frozenset()
        if self._recorded is not None:
            settings = job.settings
            recorded, entries = self._recorded.job_under_prefix(
                settings.project, settings.bucket, job.job_id, prefix
            )
            yield from entries
        for archive_key in job.archives:
            if archive_key not in recorded:
                yield from self._manifest(archive_key)

    def project_jobs(self, project: str) -> list[JobRecord]:
        """The project's jobs, oldest first."""
        pages = self._client.get_paginator("scan").paginate(
            TableName=self._jobs_table,
            FilterExpression="#record = :job AND #settings.#project = :project",
            ExpressionAttributeNames={
                "#record": "record",
                "#settings": "settings",
                "#project": "project",
            },
            ExpressionAttributeValues={
                ":job": attribute(JOB_RECORD),
                ":project": attribute(project),
            },
        )
        jobs = [job_from_item(item) for page in pages for item in page["Items"]]
        return sorted(jobs, key=lambda job: (job.created_at, job.job_id))

    def _manifest(self, archive_key: str) -> Iterator[CatalogEntry]:
        # A job still packing lists archives it has not written yet: nothing to read there.
        try:
            yield from self._job_files.iter_manifest(archive_key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in {"NoSuchKey", "404"}:
                raise
