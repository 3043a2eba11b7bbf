"""Canned archive API bodies, built with the API's own models, and a text renderer."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from rich.console import Console, RenderableType

from strongroom.deep_archive.adapters.source_listing import SkippedObject, SkipReason, SkipTally
from strongroom.deep_archive.domain.cost import estimate
from strongroom.deep_archive.domain.grouping import SourceObject
from strongroom.deep_archive.domain.job_records import JobCounts, JobRecord, JobSettings, JobStatus
from strongroom.deep_archive.domain.tally import ListingTally
from strongroom.deep_archive.services.job_views import JobView
from strongroom.deep_archive.services.planning import job_estimate

JOB_ID = "3f1c2d3e-0000-4000-8000-000000000001"
CREATED = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)


def rendered(renderable: RenderableType, width: int = 200) -> str:
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def source_object(key: str, size: int) -> SourceObject:
    return SourceObject(key=key, size=size, etag='"e"', last_modified=CREATED)


def planner_estimate(objects: list[SourceObject]) -> dict[str, Any]:
    """The ``estimate`` a planner records for ``objects``, built by the planner's own code."""
    listed = ListingTally()
    for item in objects:
        listed.add(item)
    skipped = SkipTally()
    skipped(SkippedObject("old/cold.csv", 10, "DEEP_ARCHIVE", SkipReason.RESTORE_REQUIRED))
    cost = estimate(
        listed.summary(), storage_class="DEEP_ARCHIVE", max_files=4, max_bytes=500 * 1_048_576
    )
    return job_estimate(cost, listed, skipped)


def job_body(
    status: JobStatus = JobStatus.SUCCEEDED,
    *,
    dry_run: bool = False,
    archives: int = 2,
    errors: list[str] | None = None,
    errors_truncated: int = 0,
    reason: str | None = None,
    estimate_report: dict[str, Any] | None = None,
    **counts: int,
) -> dict[str, Any]:
    """A ``GET /jobs/{job_id}`` body, as the API serialises it."""
    record = JobRecord(
        job_id=JOB_ID,
        settings=JobSettings(
            project="finance",
            bucket="finance-reports-src",
            prefix="daily/202611",
            output_prefix="finance-archive",
            storage_class="DEEP_ARCHIVE",
            max_files=50_000,
            max_bytes=500 * 1_048_576,
            dry_run=dry_run,
        ),
        status=status,
        status_reason=reason,
        created_at=CREATED,
        updated_at=CREATED,
        counts=JobCounts(**counts),
        archives=[
            f"finance-archive/finance/{JOB_ID}/part-{index:06d}.zip" for index in range(archives)
        ],
        errors=errors or [],
        errors_truncated=errors_truncated,
        estimate=estimate_report,
    )
    return JobView.of(record).model_dump(mode="json")
