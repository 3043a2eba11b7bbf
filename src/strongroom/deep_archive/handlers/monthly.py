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

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import AwareDatetime, BaseModel, ConfigDict

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.domain.schedule import previous_month
from strongroom.deep_archive.services.monthly_archive import MonthlyRunIncomplete, archive_month


class ScheduledEvent(BaseModel):
    """The part of EventBridge's scheduled event the run needs."""

    model_config = ConfigDict(extra="ignore")

    time: AwareDatetime


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], _context: LambdaContext) -> dict[str, Any]:
    month = previous_month(ScheduledEvent.model_validate(event).time)
    summary = archive_month(wiring.ports(), month)
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
