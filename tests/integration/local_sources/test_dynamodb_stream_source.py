"""DynamoDbStreamEventSource against moto's DynamoDB Streams, served over HTTP."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)
from aws_lambda_powertools.utilities.parser.models import DynamoDBStreamModel
from aws_lambda_powertools.utilities.parser.models.dynamodb import (
    DynamoDBStreamLambdaOnFailureDestinationModel,
)

from strongroom.core.timefmt import from_epoch_seconds, iso_millis
from strongroom.local.sources.dynamodb_streams import DynamoDbStreamEventSource
from strongroom.local.specs import StreamSourceSpec
from tests.integration.local_sources.conftest import ACCOUNT_ID, REGION, Clients
from tests.unit.local_sources.fakes import RecordingInvoker, succeed

pytestmark = pytest.mark.integration

FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:audit-writer"
MAX_PASSES = 100
BOUNDED_WAIT = 15.0  # generous: only reached if the behaviour is broken


def _table(clients: Clients, name: str) -> str:
    table = clients("dynamodb").create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return str(table["TableDescription"]["LatestStreamArn"])


def _put(clients: Clients, table: str, *keys: str) -> None:
    for key in keys:
        clients("dynamodb").put_item(TableName=table, Item={"pk": {"S": key}})


def _queue(clients: Clients, name: str) -> tuple[str, str]:
    sqs = clients("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def _received(clients: Clients, url: str) -> list[dict[str, Any]]:
    response = clients("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in response.get("Messages", [])]


def _source(
    clients: Clients, stream_arn: str, invoker: RecordingInvoker, **settings: Any
) -> DynamoDbStreamEventSource:
    spec = StreamSourceSpec("audit-writer", stream_arn, **settings)
    return DynamoDbStreamEventSource(
        spec, invoker, clients, region=REGION, account_id=ACCOUNT_ID, retry_delay_seconds=0
    )


def _drain(source: DynamoDbStreamEventSource) -> None:
    for _ in range(MAX_PASSES):
        if source.poll_once() == 0:
            return
    raise AssertionError("the source kept delivering")


def _keys(records: list[dict[str, Any]]) -> list[str]:
    return [record["dynamodb"]["Keys"]["pk"]["S"] for record in records]


def test_changes_arrive_in_order_as_lambda_records(clients: Clients, unique: str) -> None:
    table = f"changes-{unique}"
    stream_arn = _table(clients, table)
    dynamodb = clients("dynamodb")
    dynamodb.put_item(
        TableName=table, Item={"pk": {"S": "a"}, "v": {"N": "1"}, "b": {"B": b"\x01"}}
    )
    dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET v = :v",
        ExpressionAttributeValues={":v": {"N": "2"}},
    )
    _put(clients, table, "b")
    dynamodb.delete_item(TableName=table, Key={"pk": {"S": "a"}})
    invoker = RecordingInvoker(succeed)

    _drain(_source(clients, stream_arn, invoker, starting_position="TRIM_HORIZON"))

    records = invoker.records
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "INSERT", "REMOVE"]
    assert _keys(records) == ["a", "a", "b", "a"]
    assert {record["eventSourceARN"] for record in records} == {stream_arn}
    assert {record["awsRegion"] for record in records} == {REGION}
    sequence_numbers = [int(record["dynamodb"]["SequenceNumber"]) for record in records]
    assert sequence_numbers == sorted(sequence_numbers)
    insert, modify, _, remove = records
    assert insert["dynamodb"]["NewImage"]["b"] == {"B": base64.b64encode(b"\x01").decode()}
    assert modify["dynamodb"]["OldImage"]["v"] == {"N": "1"}
    assert modify["dynamodb"]["NewImage"]["v"] == {"N": "2"}
    assert "NewImage" not in remove["dynamodb"]
    assert isinstance(insert["dynamodb"]["ApproximateCreationDateTime"], float)
    DynamoDBStreamModel.model_validate({"Records": records})


def test_batches_are_at_most_batch_size_in_stream_order(clients: Clients, unique: str) -> None:
    table = f"batches-{unique}"
    stream_arn = _table(clients, table)
    _put(clients, table, "k0", "k1", "k2", "k3", "k4")
    invoker = RecordingInvoker(succeed)

    _drain(_source(clients, stream_arn, invoker, starting_position="TRIM_HORIZON", batch_size=2))

    assert [_keys(event["Records"]) for event in invoker.events] == [
        ["k0", "k1"],
        ["k2", "k3"],
        ["k4"],
    ]


def test_latest_skips_records_written_before_the_start(clients: Clients, unique: str) -> None:
    table = f"latest-{unique}"
    stream_arn = _table(clients, table)
    _put(clients, table, "before")
    invoker = RecordingInvoker(succeed)
    source = _source(clients, stream_arn, invoker, starting_position="LATEST")

    _drain(source)
    _put(clients, table, "after")
    _drain(source)

    assert _keys(invoker.records) == ["after"]


def test_partial_failure_retries_from_the_lowest_failed_record(
    clients: Clients, unique: str
) -> None:
    table = f"partial-{unique}"
    stream_arn = _table(clients, table)
    _put(clients, table, "k0", "k1", "k2", "k3", "k4")
    first_invocation = threading.Event()

    def fail_k3_and_k1_once(event: Mapping[str, Any]) -> dict[str, Any]:
        if first_invocation.is_set():
            return {"batchItemFailures": []}
        first_invocation.set()
        failed = [r for r in event["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] in ("k3", "k1")]
        return {
            "batchItemFailures": [
                {"itemIdentifier": record["dynamodb"]["SequenceNumber"]} for record in failed
            ]
        }

    invoker = RecordingInvoker(fail_k3_and_k1_once)

    _drain(
        _source(
            clients,
            stream_arn,
            invoker,
            starting_position="TRIM_HORIZON",
            report_batch_item_failures=True,
        )
    )

    assert [_keys(event["Records"]) for event in invoker.events] == [
        ["k0", "k1", "k2", "k3", "k4"],
        ["k1", "k2", "k3", "k4"],
    ]


def test_poison_record_ends_alone_on_the_failure_queue(clients: Clients, unique: str) -> None:
    table = f"poison-{unique}"
    stream_arn = _table(clients, table)
    keys = [f"k{index}" for index in range(10)]
    _put(clients, table, *keys)
    failure_url, failure_arn = _queue(clients, f"failures-{unique}")
    processed: list[str] = []

    def record_handler(record: DynamoDBRecord) -> None:
        key = record.dynamodb.keys["pk"] if record.dynamodb and record.dynamodb.keys else None
        if key == "k4":
            raise ValueError("poison")
        processed.append(str(key))

    def handler(event: Mapping[str, Any]) -> Any:
        processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
        return process_partial_response(dict(event), record_handler, processor)

    invoker = RecordingInvoker(handler)
    source = _source(
        clients,
        stream_arn,
        invoker,
        starting_position="TRIM_HORIZON",
        report_batch_item_failures=True,
        bisect_batch_on_function_error=True,
        maximum_retry_attempts=2,
        on_failure_destination_arn=failure_arn,
    )

    _drain(source)

    assert set(processed) == set(keys) - {"k4"}
    (failure,) = _received(clients, failure_url)
    poison = next(r for r in invoker.records if r["dynamodb"]["Keys"]["pk"]["S"] == "k4")
    alone = [event for event in invoker.events if _keys(event["Records"]) == ["k4"]]
    assert len(alone) == 3  # the first attempt and MaximumRetryAttempts=2 retries
    parsed = DynamoDBStreamLambdaOnFailureDestinationModel.model_validate(failure)
    assert parsed.request_context.condition == "RetryAttemptsExhausted"
    assert parsed.request_context.function_arn == FUNCTION_ARN
    assert parsed.response_context.function_error == "Unhandled"
    shard_id = clients("dynamodbstreams").describe_stream(StreamArn=stream_arn)[
        "StreamDescription"
    ]["Shards"][0]["ShardId"]
    assert failure["DDBStreamBatchInfo"] == {
        "shardId": shard_id,
        "startSequenceNumber": poison["dynamodb"]["SequenceNumber"],
        "endSequenceNumber": poison["dynamodb"]["SequenceNumber"],
        "approximateArrivalOfFirstRecord": iso_millis(
            from_epoch_seconds(poison["dynamodb"]["ApproximateCreationDateTime"])
        ),
        "approximateArrivalOfLastRecord": iso_millis(
            from_epoch_seconds(poison["dynamodb"]["ApproximateCreationDateTime"])
        ),
        "batchSize": 1,
        "streamArn": stream_arn,
    }


def test_function_error_is_retried_then_sent_to_a_topic(clients: Clients, unique: str) -> None:
    table = f"errors-{unique}"
    stream_arn = _table(clients, table)
    topic_arn = clients("sns").create_topic(Name=f"failures-{unique}")["TopicArn"]
    subscriber_url, subscriber_arn = _queue(clients, f"subscriber-{unique}")
    clients("sns").subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=subscriber_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    _put(clients, table, "bad-1", "bad-2", "bad-3")

    def fail_on_bad(event: Mapping[str, Any]) -> None:
        if any(key.startswith("bad") for key in _keys(event["Records"])):
            raise RuntimeError("cannot write the audit entry")

    invoker = RecordingInvoker(fail_on_bad)
    lines: list[str] = []
    spec = StreamSourceSpec(
        "audit-writer",
        stream_arn,
        starting_position="TRIM_HORIZON",
        maximum_retry_attempts=1,
        on_failure_destination_arn=topic_arn,
    )
    source = DynamoDbStreamEventSource(
        spec,
        invoker,
        clients,
        region=REGION,
        account_id=ACCOUNT_ID,
        on_invocation=lines.append,
        retry_delay_seconds=0,
    )

    _drain(source)
    _put(clients, table, "good")
    _drain(source)

    assert [_keys(event["Records"]) for event in invoker.events] == [
        ["bad-1", "bad-2", "bad-3"],
        ["bad-1", "bad-2", "bad-3"],
        ["good"],
    ]
    (failure,) = _received(clients, subscriber_url)
    assert failure["requestContext"]["approximateInvokeCount"] == 2
    assert failure["responseContext"]["functionError"] == "Unhandled"
    assert failure["DDBStreamBatchInfo"]["batchSize"] == 3
    assert lines == [
        f"dynamodb {table} -> audit-writer: 3 records, "
        "error: RuntimeError: cannot write the audit entry",
        f"dynamodb {table} -> audit-writer: 3 records, "
        "error: RuntimeError: cannot write the audit entry (retry 1)",
        f"dynamodb {table} -> audit-writer: 3 records sent to failures-{unique} "
        "(RetryAttemptsExhausted)",
        f"dynamodb {table} -> audit-writer: 1 record, ok",
    ]


def test_records_past_maximum_age_go_to_the_destination_unsent(
    clients: Clients, unique: str
) -> None:
    table = f"aged-{unique}"
    stream_arn = _table(clients, table)
    failure_url, failure_arn = _queue(clients, f"aged-failures-{unique}")
    _put(clients, table, "k0", "k1")
    invoker = RecordingInvoker(succeed)
    spec = StreamSourceSpec(
        "audit-writer",
        stream_arn,
        starting_position="TRIM_HORIZON",
        maximum_record_age_seconds=60,
        on_failure_destination_arn=failure_arn,
    )
    an_hour_later = DynamoDbStreamEventSource(
        spec,
        invoker,
        clients,
        region=REGION,
        account_id=ACCOUNT_ID,
        clock=lambda: time.time() + 3600,
    )

    _drain(an_hour_later)

    assert invoker.events == []
    (failure,) = _received(clients, failure_url)
    assert failure["requestContext"]["condition"] == "RecordAgeExceeded"
    assert failure["requestContext"]["approximateInvokeCount"] == 0
    assert failure["DDBStreamBatchInfo"]["batchSize"] == 2


def test_started_source_delivers_until_stopped(clients: Clients, unique: str) -> None:
    table = f"started-{unique}"
    stream_arn = _table(clients, table)
    all_delivered = threading.Event()
    seen: list[str] = []

    def handler(event: Mapping[str, Any]) -> None:
        seen.extend(_keys(event["Records"]))
        if len(seen) >= 3:
            all_delivered.set()

    source = _source(clients, stream_arn, RecordingInvoker(handler), starting_position="LATEST")
    source.start()
    try:
        _put(clients, table, "k0", "k1", "k2")
        assert all_delivered.wait(BOUNDED_WAIT)
    finally:
        source.stop(timeout=BOUNDED_WAIT)

    assert seen == ["k0", "k1", "k2"]
    assert not [t for t in threading.enumerate() if t.name.startswith(f"stream-{table}")]
