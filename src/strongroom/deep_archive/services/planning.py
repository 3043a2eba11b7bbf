"""The planning phase: list the source, check it against expectations, plan the archives.

Nothing is archived here. The plan (every archive and its members) is written to the archive
bucket before packing starts, so workers and reruns pack exactly what was planned; the cost
estimate and counts go to the job record. A dry run stops after this phase.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strongroom.core.observability import logger
from strongroom.deep_archive.adapters.job_files import PlanSummary, PlanWriter
from strongroom.deep_archive.adapters.source_listing import (
    SkipReason,
    SkipTally,
    list_source,
    read_inventory,
)
from strongroom.deep_archive.domain.cost import CostEstimate, estimate
from strongroom.deep_archive.domain.grouping import SourceObject, iter_archive_plans, worker_ranges
from strongroom.deep_archive.domain.job_records import JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.tally import ListingTally
from strongroom.deep_archive.services.estimating import price_region
from strongroom.deep_archive.services.packer_services import PackerServices
from strongroom.deep_archive.services.unchanged_skip import mark_archived


def plan_job(record: JobRecord, services: PackerServices) -> JobStatus:
    """Plan ``record``'s job; the status it ends in (PACKING, PLANNED, or FAILED)."""
    settings = record.settings
    services.jobs.set_status(
        record.job_id,
        JobStatus.PLANNING,
        allowed_from={JobStatus.SUBMITTED, JobStatus.PLANNING},
    )
    skipped = SkipTally()
    listed = ListingTally()
    planned = ListingTally()
    unchanged = 0

    def source() -> Iterator[SourceObject]:
        nonlocal unchanged
        for item, archived in mark_archived(
            record, _listing(settings, services, skipped), services
        ):
            listed.add(item)
            if archived:
                unchanged += 1
                continue
            planned.add(item)
            yield item

    writer = PlanWriter()
    weights: list[int] = []
    keys: list[str] = []
    for plan in iter_archive_plans(
        source(),
        max_files=settings.max_files,
        max_bytes=settings.max_bytes,
        output_prefix=settings.output_prefix,
        project=settings.project,
        run_label=record.job_id,
    ):
        writer.add(plan)
        weights.append(plan.archive_bytes)
        keys.append(plan.archive_key)

    counts = {
        "files_listed": listed.files,
        "files_skipped_unchanged": unchanged,
        "files_planned": planned.files,
        "bytes_planned": planned.bytes,
        "archives_planned": len(keys),
    }
    cost = estimate(
        listed.summary(),
        storage_class=settings.storage_class,
        max_files=settings.max_files,
        max_bytes=settings.max_bytes,
        region=price_region(services.s3.meta.region_name)[0],
        archive_count=len(keys) if planned.files == listed.files else None,
    )
    report = job_estimate(cost, listed, skipped)
    mismatch = _expectation_mismatch(settings, listed, skipped)
    # The job lists archives it will write (or, dry run, would write); a mismatch writes none.
    planned_keys = [] if mismatch is not None else keys
    services.jobs.set_plan(record.job_id, counts=counts, archive_keys=planned_keys, estimate=report)
    logger.info("job planned", extra={**counts, "skipped": skipped.total})

    if mismatch is not None:
        services.jobs.append_errors(record.job_id, [mismatch])
        services.jobs.set_status(
            record.job_id, JobStatus.FAILED, allowed_from={JobStatus.PLANNING}, reason=mismatch
        )
        return JobStatus.FAILED
    if settings.dry_run:
        services.jobs.set_status(
            record.job_id,
            JobStatus.PLANNED,
            allowed_from={JobStatus.PLANNING},
            reason="dry run: nothing archived",
        )
        return JobStatus.PLANNED
    ranges = worker_ranges(weights, settings.workers)
    summary = PlanSummary(
        archives=len(keys), files=planned.files, bytes=planned.bytes, worker_ranges=ranges
    )
    services.files.put_plan(record.job_id, writer.finish(), summary)
    services.jobs.set_status(record.job_id, JobStatus.PACKING, allowed_from={JobStatus.PLANNING})
    return JobStatus.PACKING


def _listing(
    settings: JobSettings, services: PackerServices, skipped: SkipTally
) -> Iterator[SourceObject]:
    s3 = services.source_access(settings).s3
    if settings.inventory_manifest is None:
        return list_source(s3, settings.bucket, settings.prefix, on_skipped=skipped)
    # An inventory report is not sorted across its files; the plan needs key order.
    listed = read_inventory(
        s3,
        settings.inventory_manifest,
        prefix=settings.prefix,
        on_skipped=skipped,
        source_bucket=settings.bucket,
    )
    return iter(sorted(listed, key=lambda item: item.key))


def _expectation_mismatch(
    settings: JobSettings, listed: ListingTally, skipped: SkipTally
) -> str | None:
    """Compared with every file under the prefix, archivable or not (folder markers aside)."""
    restore_only = skipped.counts[SkipReason.RESTORE_REQUIRED]
    files = listed.files + restore_only
    size = listed.bytes + skipped.bytes[SkipReason.RESTORE_REQUIRED]
    where = f"s3://{settings.bucket}/{settings.prefix}"
    problems = []
    if settings.expected_files is not None and settings.expected_files != files:
        problems.append(f"expected_files is {settings.expected_files}, {where} holds {files}")
    if settings.expected_bytes is not None and settings.expected_bytes != size:
        problems.append(f"expected_bytes is {settings.expected_bytes}, {where} holds {size}")
    if not problems:
        return None
    return "source does not match the quality check, nothing archived: " + "; ".join(problems)


def job_estimate(cost: CostEstimate, listed: ListingTally, skipped: SkipTally) -> dict[str, Any]:
    pays_off = cost.packing_pays_off_after_months
    return {
        "verdict": cost.verdict,
        "packing_pays_off_after_months": None if pays_off is None else str(pays_off),
        "rows": [list(row) for row in cost.as_rows()],
        "notes": list(cost.notes),
        "histogram": [
            {"label": bucket.label, "files": bucket.count, "bytes": bucket.total_bytes}
            for bucket in listed.histogram()
        ],
        "skipped": {
            str(reason): {"files": count, "sample": skipped.samples.get(reason, [])}
            for reason, count in skipped.counts.items()
        },
    }
