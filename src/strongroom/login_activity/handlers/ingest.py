"""``ingest``: login events from SQS merged into each user's record (services.ingesting)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.core.observability import logger, metrics
from strongroom.login_activity import wiring
from strongroom.login_activity.services.ingesting import ingest_logins


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:  # noqa: ARG001
    return ingest_logins(
        SQSEvent(event).records,
        activity_store=wiring.activity_store,
        dead_letter_queue=wiring.dead_letter_queue,
        retry_policy=wiring.retry_policy,
    )
