from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models.dynamodb import (
    DynamoDBStreamLambdaOnFailureDestinationModel,
)

from strongroom.local.sources.failure_destination import (
    RETRY_ATTEMPTS_EXHAUSTED,
    FailureDestination,
    stream_failure_record,
)
from strongroom.local.sources.stream_records import StreamRecord
from strongroom.local.specs import FunctionError

STREAM_ARN = (
    "arn:aws:dynamodb:eu-west-1:123456789012:table/Configuration/stream/2024-01-01T00:00:00.000"
)
FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:audit-writer"
FIRST = StreamRecord(
    "1100000000017454423009", datetime(2024, 5, 1, 12, 0, 1, tzinfo=UTC).timestamp(), {}
)
LAST = StreamRecord(
    "1100000000017454423011", datetime(2024, 5, 1, 12, 0, 2, 250000, tzinfo=UTC).timestamp(), {}
)


def _failure(error: FunctionError | None) -> dict[str, Any]:
    return stream_failure_record(
        records=[FIRST, LAST],
        shard_id="shardId-00000001541626099285-f35f62ef",
        stream_arn=STREAM_ARN,
        function_arn=FUNCTION_ARN,
        condition=RETRY_ATTEMPTS_EXHAUSTED,
        invoke_count=3,
        request_id="req-3",
        function_error=error,
        now=datetime(2024, 5, 1, 12, 1, 0, 5000, tzinfo=UTC),
    )


def test_failure_record_has_lambdas_invocation_record_format() -> None:
    failure = _failure(FunctionError("RuntimeError", "boom"))

    parsed = DynamoDBStreamLambdaOnFailureDestinationModel.model_validate(
        json.loads(json.dumps(failure))
    )
    assert parsed.version == "1.0"
    assert parsed.request_context.function_arn == FUNCTION_ARN
    assert parsed.request_context.condition == "RetryAttemptsExhausted"
    assert parsed.request_context.approximate_invoke_count == 3
    assert parsed.response_context.function_error == "Unhandled"
    info = parsed.ddb_stream_batch_info
    assert info.start_sequence_number == "1100000000017454423009"
    assert info.end_sequence_number == "1100000000017454423011"
    assert info.batch_size == 2
    assert info.stream_arn == STREAM_ARN


def test_times_are_iso_8601_utc_with_milliseconds() -> None:
    failure = _failure(None)

    assert failure["timestamp"] == "2024-05-01T12:01:00.005Z"
    assert failure["DDBStreamBatchInfo"] == failure["DDBStreamBatchInfo"] | {
        "approximateArrivalOfFirstRecord": "2024-05-01T12:00:01.000Z",
        "approximateArrivalOfLastRecord": "2024-05-01T12:00:02.250Z",
    }


def test_batch_given_up_after_partial_failures_reports_no_function_error() -> None:
    failure = _failure(None)

    assert failure["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:lambda:eu-west-1:123456789012:function:other",
        "arn:aws:s3:::bucket",
        "not-an-arn",
    ],
)
def test_destination_must_be_a_queue_or_topic(arn: str) -> None:
    with pytest.raises(ValueError, match="SQS queue or SNS topic"):
        FailureDestination(arn, clients=lambda service: None)
