"""The freshness checks' entry points, one event shape for both.

``handler`` (``SOXAuto-PG01-Freshness``): hourly, which IPEs have no successful run for the month
that is due (the deadline is the 2nd at 08:00 UTC); ``IPEsWithoutSuccessfulRun`` feeds its alarm.
``evidence_handler`` (``SOXAuto-Evidence-Freshness``): daily, which IPEs have no succeeded run
whose evidence package verifies, by ``EVIDENCE_DEADLINE_DAY``; ``IPEsWithoutVerifiedPackage``.

Invoked directly with ``{"cutoff_date": "2024-01-31"}`` either answers for that month without
emitting its metric. Answers ``{"statusCode": 200, "body": {...}}`` (400 for a bad event).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, ValidationError

from strongroom.core.observability import logger, metrics
from strongroom.core.timefmt import utc_now
from strongroom.sox_evidence import wiring
from strongroom.sox_evidence.domain.cutoff import InvalidCutoff, parse_cutoff
from strongroom.sox_evidence.services.freshness import check_evidence_freshness, check_freshness

BAD_REQUEST = 400


class FreshnessRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    cutoff_date: object | None = None


def _refused(field: str, rule: str) -> dict[str, Any]:
    logger.warning("freshness check refused", field=field, rule=rule)
    return {
        "statusCode": BAD_REQUEST,
        "body": {"message": f"{field}: {rule}", "errors": [{"field": field, "rule": rule}]},
    }


def _when(event: Any) -> tuple[date | None, datetime] | dict[str, Any]:
    """The month asked about (None: the one due) and the time it is due by, or a refusal."""
    if not isinstance(event, dict):
        return _refused("event", "must be a JSON object")
    cutoff, now = None, utc_now()
    if event.get("source") == "aws.events":  # a scheduled event: the month due when it fired
        if isinstance(event.get("time"), str):
            try:
                now = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
            except ValueError:
                return _refused("time", "must be an ISO 8601 time, as EventBridge sends it")
    else:
        try:
            request = FreshnessRequest.model_validate(event)
            if request.cutoff_date is not None:
                cutoff = parse_cutoff(request.cutoff_date, "cutoff_date")
        except ValidationError as error:
            problem = error.errors(include_url=False, include_input=False)[0]
            return _refused(".".join(str(p) for p in problem["loc"]) or "event", problem["msg"])
        except InvalidCutoff as error:
            return _refused(error.field, error.rule)
    return cutoff, now


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: Any, context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    when = _when(event)
    if isinstance(when, dict):
        return when
    cutoff, now = when
    report = check_freshness(wiring.freshness_store(), now, cutoff)
    return {"statusCode": 200, "body": report.model_dump(mode="json")}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def evidence_handler(event: Any, context: LambdaContext) -> dict[str, Any]:  # noqa: ARG001
    when = _when(event)
    if isinstance(when, dict):
        return when
    cutoff, now = when
    check = wiring.evidence_check()
    report = check_evidence_freshness(
        check.results,
        check.reader,
        check.trust,
        check.evidence_bucket,
        now,
        check.deadline_day,
        cutoff,
    )
    return {"statusCode": 200, "body": report.model_dump(mode="json")}
