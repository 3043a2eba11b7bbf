"""``restore_worker``: moves restore requests on, from the restore queue (SQS, partial batches).

Each message names requests directly or an archive whose restore completed (then the requests
waiting on it are looked up). Each request is advanced as far as it goes now; one that runs out
of this invocation's time is put back on the queue to continue. A message that fails is retried
and, after the queue's redrive limit, lands on the DLQ with its alarm; it fails only itself.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.core.observability import logger, metrics
from strongroom.deep_archive import wiring
from strongroom.deep_archive.services.restore_work import work_on

TIME_RESERVE_MS = 60_000
"""Stop starting new files this long before the function's timeout."""

processor = BatchProcessor(event_type=EventType.SQS)


def _record_handler(record: SQSRecord, context: LambdaContext) -> None:
    work_on(
        wiring.ports(),
        record.body,
        out_of_time=lambda: context.get_remaining_time_in_millis() < TIME_RESERVE_MS,
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event,
        record_handler=lambda record: _record_handler(record, context),
        processor=processor,
        context=context,
    )
