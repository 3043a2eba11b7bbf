"""``archive``: the seed's function. Invoked with ``{}`` (today), ``{"trigger_date": "YYYY-MM-DD"}``
(optionally with ``"client_ids"``) or by its schedule (``{"scheduled_time": ...}``).

Answers ``{"statusCode": 200 | 207, "body": {...}}`` (the body a JSON object, as the seed's);
400 naming the field and rule for an event it cannot read; raises (a Lambda error) when no
selected client could be archived or the client list could not be read.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.core.observability import logger, metrics
from strongroom.core.timefmt import utc_now
from strongroom.trigger_archive import wiring
from strongroom.trigger_archive.domain import (
    InvalidArchiveRequest,
    TimeBudget,
    parse_archive_request,
)
from strongroom.trigger_archive.services import archive_requested_day, run_id_for

BAD_REQUEST = 400


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    started_at = utc_now()  # the clock is read once: `{}` means today as of now
    try:
        request = parse_archive_request(event)
    except InvalidArchiveRequest as error:
        logger.warning("invalid event", problems=error.problems)
        errors = [{"field": field, "rule": rule} for field, rule in error.problems]
        return {"statusCode": BAD_REQUEST, "body": {"message": str(error), "errors": errors}}
    config = wiring.settings()
    result = archive_requested_day(
        request,
        open_ports=wiring.run_ports,
        settings=config.run,
        started_at=started_at,
        run_id=run_id_for(started_at, context.aws_request_id),
        budget=TimeBudget(context.get_remaining_time_in_millis, config.budget_margin_s),
    )
    return {"statusCode": result.status_code, "body": result.model_dump(mode="json")}
