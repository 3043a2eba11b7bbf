"""``audit_producer``: Configuration stream records in, audit entries out (services.auditing)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.config_audit import wiring
from strongroom.config_audit.services.auditing import audit_batch
from strongroom.core.observability import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return audit_batch(event.get("Records") or [], wiring.audit_store, context)
