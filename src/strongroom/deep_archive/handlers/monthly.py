"""``monthly``: on the 10th at 03:00 UTC, archive the previous month nobody archived yet.

EventBridge fires ``cron(0 3 10 * ? *)``; the month is the one before the event's ``time``, so a
late or repeated delivery archives the same month. Each scheduled project's registered prefixes
get ``prefix + period`` (e.g. ``raw/202611``). A run key whose newest job succeeded or is still
running is skipped: the quality-check system may have started it through the API.

One failing run does not stop the others. Failures are logged, counted and listed in the
summary, and the invocation then fails so it shows as failed (EventBridge retries it; the runs
that started meanwhile are skipped as running).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive.domain.intake import resolve
from strongroom.deep_archive.domain.projects import Project
from strongroom.deep_archive.domain.requests import ArchiveRequest
from strongroom.deep_archive.domain.schedule import (
    month_label,
    previous_month,
    scheduled_requests,
    skip_reason,
)
from strongroom.deep_archive.handlers.job_start import (
    ControlPlane,
    RunInProgress,
    control_plane_from_environment,
    start_job,
)


class ScheduledEvent(BaseModel):
    """The part of EventBridge's scheduled event the run needs."""

    model_config = ConfigDict(extra="ignore")

    time: AwareDatetime


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


@cache
def aws_control_plane() -> ControlPlane:
    """The stores and launcher named by the environment, built on first use (not at import)."""
    return control_plane_from_environment()


# Seam: tests bind in-memory fakes with monkeypatch.setattr(monthly, "control_plane_factory", ...).
control_plane_factory: Callable[[], ControlPlane] = aws_control_plane


def archive_month(plane: ControlPlane, month: date) -> MonthlySummary:
    """Start a job for every scheduled run of ``month`` that has none; what happened to each."""
    summary = MonthlySummary(month=month_label(month))
    for project in plane.projects.list():
        try:
            requests = scheduled_requests(project, month)
        except Exception as error:
            _record_failure(summary, Failed(project=project.name, error=_describe(error)))
            continue
        if not requests:
            summary.unscheduled.append(project.name)
        for request in requests:
            _archive_run(plane, project, request, summary)
    return summary


def _archive_run(
    plane: ControlPlane, project: Project, request: ArchiveRequest, summary: MonthlySummary
) -> None:
    run = Run(project=project.name, bucket=request.bucket_name, prefix=request.prefix)
    try:
        settings = resolve(request, project, plane.deployment, trigger="schedule")
        reason = skip_reason(plane.jobs.latest_for_run_key(settings.run_key))
        if reason is not None:
            summary.skipped.append(Skipped(**run.model_dump(), reason=reason))
            logger.info("monthly run skipped", run_key=settings.run_key, reason=reason)
            return
        record = start_job(plane, settings)
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


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], _context: LambdaContext) -> dict[str, Any]:
    month = previous_month(ScheduledEvent.model_validate(event).time)
    summary = archive_month(control_plane_factory(), month)
    metrics.add_metric(
        name="ScheduledJobsSubmitted", unit=MetricUnit.Count, value=len(summary.submitted)
    )
    metrics.add_metric(
        name="ScheduledRunsSkipped", unit=MetricUnit.Count, value=len(summary.skipped)
    )
    metrics.add_metric(name="ScheduledRunsFailed", unit=MetricUnit.Count, value=len(summary.failed))
    result = summary.model_dump(mode="json")
    logger.info("monthly archive run", **result)
    if summary.failed:
        raise MonthlyRunIncomplete(summary)
    return result
