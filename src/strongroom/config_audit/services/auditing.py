"""A batch of Configuration stream records in, their audit entries out.

Each record is audited on its own: a record that cannot be audited is reported in
``batchItemFailures`` (ReportBatchItemFailures) while the rest of the batch is written, so
Lambda retries from it and, once the retries are spent, sends it to the on-failure queue.
Entry ids are deterministic and writes conditional, so retried records add no duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from strongroom.config_audit.adapters.audit_store import AuditStore
from strongroom.config_audit.domain.audit import audit_entries
from strongroom.config_audit.domain.change import ConfigurationChange
from strongroom.core.observability import logger, metrics

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class UncheckpointableFailureError(RuntimeError):
    """A record has no SequenceNumber, so it cannot be reported as the one that failed."""


def audit_batch(
    records: list[Any], audit_store: Callable[[], AuditStore], context: LambdaContext
) -> PartialItemFailureResponse:
    """Audit each record of the batch; the response names the records that failed.

    ``audit_store`` is asked for per record: a store that cannot be built fails each record,
    logged and counted, as a store that refuses a write does.
    """
    resumable = [record for record in records if _sequence_number(record)]
    # Lambda resumes a stream at a failed record's SequenceNumber, so a record without one
    # cannot fail alone: the others are audited, then the invocation fails and Lambda
    # retries and bisects the batch until that record reaches the on-failure queue alone.
    unresumable = len(records) - len(resumable)
    if unresumable:
        metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=unresumable)
        logger.error("stream records without dynamodb.SequenceNumber", records=unresumable)
    response: PartialItemFailureResponse = {"batchItemFailures": []}
    if resumable:
        response = process_partial_response(
            event={"Records": resumable},
            record_handler=partial(_audit_record, audit_store=audit_store),
            processor=processor,
            context=context,
        )
    if unresumable:
        raise UncheckpointableFailureError(f"{unresumable} record(s) without a SequenceNumber")
    return response


def _audit_record(record: DynamoDBRecord, audit_store: Callable[[], AuditStore]) -> None:
    """Write the audit entries of one stream record (raises if the record cannot be audited)."""
    sequence_number = _sequence_number(record.raw_event)
    with logger.append_context_keys(event_id=record.event_id, sequence_number=sequence_number):
        try:
            _write_entries(ConfigurationChange.model_validate(record.raw_event), audit_store())
        except Exception:
            metrics.add_metric(name="RecordsFailed", unit=MetricUnit.Count, value=1)
            logger.exception("stream record not audited")
            raise


def _write_entries(change: ConfigurationChange, store: AuditStore) -> None:
    written = skipped = 0
    for entry in audit_entries(change):
        if store.add(entry):
            written += 1
        else:
            skipped += 1
    logger.info(
        "stream record audited",
        event_name=change.event_name,
        item_key=change.item_key,
        entries_written=written,
        duplicates_skipped=skipped,
    )
    if written:
        metrics.add_metric(name="AuditEntriesWritten", unit=MetricUnit.Count, value=written)
    if skipped:
        metrics.add_metric(name="DuplicateEntriesSkipped", unit=MetricUnit.Count, value=skipped)


def _sequence_number(record: Any) -> str | None:
    body = record.get("dynamodb") if isinstance(record, dict) else None
    number = body.get("SequenceNumber") if isinstance(body, dict) else None
    return number if isinstance(number, str) and number else None
