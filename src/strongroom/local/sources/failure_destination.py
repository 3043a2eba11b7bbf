"""The on-failure destination of a stream event source: what Lambda sends there, and sending it.

Lambda sends the metadata of a discarded batch, never its records: an operator reads the records
back from the stream with the shard id and sequence numbers (while the stream retains them).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from strongroom.core.timefmt import from_epoch_seconds, iso_millis
from strongroom.local.sources._polling import ClientFactory
from strongroom.local.sources.stream_records import StreamRecord
from strongroom.local.specs import FunctionError

RETRY_ATTEMPTS_EXHAUSTED = "RetryAttemptsExhausted"
RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


def stream_failure_record(
    *,
    records: Sequence[StreamRecord],
    shard_id: str,
    stream_arn: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    request_id: str,
    function_error: FunctionError | None,
    now: datetime,
) -> dict[str, Any]:
    """The invocation record Lambda sends for a discarded DynamoDB Streams batch."""
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if function_error is not None:
        response_context["functionError"] = "Unhandled"
    first, last = records[0], records[-1]
    return {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "responseContext": response_context,
        "version": "1.0",
        "timestamp": iso_millis(now),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": first.sequence_number,
            "endSequenceNumber": last.sequence_number,
            "approximateArrivalOfFirstRecord": iso_millis(from_epoch_seconds(first.created_at)),
            "approximateArrivalOfLastRecord": iso_millis(from_epoch_seconds(last.created_at)),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


class FailureDestination:
    """An SQS queue or SNS topic, by ARN, that receives invocation records as JSON."""

    def __init__(self, arn: str, clients: ClientFactory) -> None:
        parts = arn.split(":")
        if len(parts) != 6 or parts[2] not in ("sqs", "sns"):
            raise ValueError(f"on-failure destination must be an SQS queue or SNS topic ARN: {arn}")
        self.arn = arn
        self.name = parts[5]
        self._service = parts[2]
        self._account_id = parts[4]
        self._clients = clients
        self._queue_url: str | None = None

    def send(self, record: Mapping[str, Any]) -> None:
        body = json.dumps(record)
        if self._service == "sns":
            self._clients("sns").publish(TopicArn=self.arn, Message=body)
            return
        sqs = self._clients("sqs")
        if self._queue_url is None:
            self._queue_url = sqs.get_queue_url(
                QueueName=self.name, QueueOwnerAWSAccountId=self._account_id
            )["QueueUrl"]
        sqs.send_message(QueueUrl=self._queue_url, MessageBody=body)
