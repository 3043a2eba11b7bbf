"""Planning's unchanged-file skip (decision 0013): which listed files are archived already.

The listing is merged with the Parquet manifests of the earlier archives whose key ranges
overlap the job's prefix (their archive records give the ranges), so a re-archived prefix
costs a few manifest reads, not a DynamoDB read per listed key. Archives written before the
records existed (jobs with no record: not yet brought in by ``strongroom archive
catalog-migrate``) are checked as before, through the per-file catalog items, and only for
the files the manifests did not find; once every job is migrated no item is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from strongroom.core.observability import logger
from strongroom.deep_archive.adapters.archived_listing import prefixes_overlap
from strongroom.deep_archive.domain.grouping import SourceObject
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings
from strongroom.deep_archive.domain.unchanged_files import mark_unchanged
from strongroom.deep_archive.services.packer_services import PackerServices

CATALOG_LOOKUP_CHUNK = 100
"""Keys per BatchGetItem of the per-file items (its limit)."""


def mark_archived(
    record: JobRecord, listing: Iterable[SourceObject], services: PackerServices
) -> Iterator[tuple[SourceObject, bool]]:
    """Each listed object, in key order, with whether it is archived already with its ETag."""
    settings = record.settings
    archives = services.records.archives_overlapping(
        settings.project, settings.bucket, settings.prefix
    )
    unmigrated = unmigrated_jobs(record, services)
    logger.info(
        "unchanged-file check",
        extra={"archives_overlapping": len(archives), "jobs_without_records": len(unmigrated)},
    )
    marked = mark_unchanged(listing, archives, services.manifests.rows)
    if not unmigrated:
        return marked
    return _also_in_items(settings, marked, services)


def unmigrated_jobs(record: JobRecord, services: PackerServices) -> list[str]:
    """Earlier jobs over this prefix that list archives but have no archive record."""
    settings = record.settings
    recorded = set(services.records.recorded_jobs(settings.project, settings.bucket))
    return [
        job.job_id
        for job in services.project_jobs(settings.project)
        if job.job_id != record.job_id
        and job.job_id not in recorded
        and job.archives
        and not job.settings.dry_run
        and job.settings.bucket == settings.bucket
        and prefixes_overlap(job.settings.prefix, settings.prefix)
    ]


def _also_in_items(
    settings: JobSettings,
    marked: Iterator[tuple[SourceObject, bool]],
    services: PackerServices,
) -> Iterator[tuple[SourceObject, bool]]:
    for batch in _chunks(marked, CATALOG_LOOKUP_CHUNK):
        unknown = {item.key: item.etag for item, archived in batch if not archived}
        in_items = (
            services.catalog.archived_etags(settings.project, settings.bucket, unknown)
            if unknown
            else {}
        )
        for item, archived in batch:
            yield item, archived or in_items.get(item.key) == item.etag


def _chunks(
    items: Iterator[tuple[SourceObject, bool]], size: int
) -> Iterator[list[tuple[SourceObject, bool]]]:
    batch: list[tuple[SourceObject, bool]] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
