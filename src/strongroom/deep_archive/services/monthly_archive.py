"""The monthly run: start a job for every scheduled run of a month that has none.

A run key whose newest job succeeded or is still running is skipped (the quality-check system
may have started it through the API). One failing run does not stop the others; each outcome is
in the summary.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from strongroom.core.observability import logger
from strongroom.deep_archive.domain.intake import resolve
from strongroom.deep_archive.domain.projects import Project
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.domain.schedule import month_label, scheduled_requests, skip_reason
from strongroom.deep_archive.services.archive_jobs import RunInProgress, start_job
from strongroom.deep_archive.services.ports import Ports


class Run(BaseModel):
    project: str
    bucket: str
    prefix: str


class Submitted(Run):
    job_id: str


class Skipped(Run):
    reason: str


class Failed(BaseModel):
    project: str
    bucket: str | None = None
    prefix: str | None = None
    error: str


class MonthlySummary(BaseModel):
    month: str
    submitted: list[Submitted] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    failed: list[Failed] = Field(default_factory=list)
    unscheduled: list[str] = Field(default_factory=list, description="Projects without a schedule.")


class MonthlyRunIncomplete(RuntimeError):
    def __init__(self, summary: MonthlySummary) -> None:
        failures = "; ".join(
            f"{failure.project} {failure.bucket or ''}/{failure.prefix or ''}: {failure.error}"
            for failure in summary.failed
        )
        super().__init__(f"{len(summary.failed)} run(s) of {summary.month} failed: {failures}")
        self.summary = summary


def archive_month(ports: Ports, month: date) -> MonthlySummary:
    """Start a job for every scheduled run of ``month`` that has none; what happened to each."""
    summary = MonthlySummary(month=month_label(month))
    for project in ports.projects.list():
        try:
            requests = scheduled_requests(project, month)
        except Exception as error:
            _record_failure(summary, Failed(project=project.name, error=_describe(error)))
            continue
        if not requests:
            summary.unscheduled.append(project.name)
        for request in requests:
            _archive_run(ports, project, request, summary)
    return summary


def _archive_run(
    ports: Ports, project: Project, request: ArchiveRequest, summary: MonthlySummary
) -> None:
    run = Run(project=project.name, bucket=request.bucket_name, prefix=request.prefix)
    try:
        settings = resolve(request, project, ports.deployment, trigger="schedule")
        reason = skip_reason(ports.jobs.latest_for_run_key(settings.run_key))
        if reason is not None:
            summary.skipped.append(Skipped(**run.model_dump(), reason=reason))
            logger.info("monthly run skipped", run_key=settings.run_key, reason=reason)
            return
        record = start_job(ports, settings)
    except RunInProgress as running:
        # The quality-check system started the same month a moment ago: nothing to do.
        summary.skipped.append(Skipped(**run.model_dump(), reason=str(running)))
        logger.info("monthly run skipped", reason=str(running))
        return
    except Exception as error:
        _record_failure(summary, Failed(**run.model_dump(), error=_describe(error)))
        return
    summary.submitted.append(Submitted(**run.model_dump(), job_id=record.job_id))


def _record_failure(summary: MonthlySummary, failure: Failed) -> None:
    logger.exception(
        "monthly run failed",
        project=failure.project,
        bucket=failure.bucket,
        prefix=failure.prefix,
    )
    summary.failed.append(failure)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"
