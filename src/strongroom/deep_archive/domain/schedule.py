"""The monthly run: on the 10th, archive the previous month of every scheduled project.

The quality-check system normally starts the month's archive through the API before the 10th;
the cron only fills in what nobody started, so a run key that already has a succeeded or a
running job is skipped, whoever started it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from strongroom.deep_archive.domain.job_records import JobRecord, JobStatus
from strongroom.deep_archive.domain.projects import Project
from strongroom.deep_archive.domain.requests import ArchiveRequest


def previous_month(moment: datetime) -> date:
    """The first day of the month before ``moment``'s month, in UTC (naive is rejected)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    first_of_month = moment.astimezone(UTC).date().replace(day=1)
    return (first_of_month - timedelta(days=1)).replace(day=1)


def month_label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def scheduled_requests(project: Project, month: date) -> list[ArchiveRequest]:
    """One request per registered source prefix, narrowed to ``month``; none when unscheduled.

    The requests name no storage class, sizes or output prefix: the project's own apply.
    """
    schedule = project.schedule
    if schedule is None or not schedule.enabled:
        return []
    period = schedule.period_prefix(month)
    return [
        ArchiveRequest(
            project_name=project.name,
            bucket_name=source.bucket,
            prefix=prefix + period,
        )
        for source in project.sources
        for prefix in source.prefixes
    ]


def skip_reason(latest: JobRecord | None) -> str | None:
    """Why the newest job of a run key makes another one unnecessary, or None to start one.

    A failed job or a dry run (PLANNED) archived nothing, so the month is archived again.
    """
    if latest is None:
        return None
    if latest.status is JobStatus.SUCCEEDED:
        return f"already archived by job {latest.job_id}"
    if not latest.status.finished:
        return f"job {latest.job_id} is still {latest.status.value}"
    return None
