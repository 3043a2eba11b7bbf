"""config_audit under throttled audit writes, writes whose answer is lost, and the stream
delivered again: N changes to Configuration, exactly N audit entries, nothing on the failure
queue."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from strongroom.local.endpoints import Endpoints
from strongroom.local.replay import stream_events
from strongroom.local.stack import LocalStack
from tests.e2e.faults.conftest import SetFaults, counters, report
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
FUNCTION = "audit_producer"
KEYS, DELETED = 10, 5
RULES: list[dict[str, Any]] = [
    {"service": "dynamodb", "operation": "PutItem", "error": "throttle", "fraction": 0.2},
    # The entry was written and the answer lost: the retry's condition finds it.
    {
        "service": "dynamodb",
        "operation": "PutItem",
        "error": "5xx",
        "fraction": 0.1,
        "phase": "after",
    },
]


def _change_configuration(dynamodb: Any, table: str, prefix: str) -> int:
    """Put, update, delete: every one a change the stream carries. Returns how many."""
    for index in range(KEYS):
        key = {"key": {"S": f"{prefix}_{index:02d}"}}
        dynamodb.put_item(TableName=table, Item={**key, "value": {"N": str(index)}})
        dynamodb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET #v = :v",
            ExpressionAttributeNames={"#v": "value"},
            ExpressionAttributeValues={":v": {"S": f"changed {index}"}},
        )
        if index < DELETED:
            dynamodb.delete_item(TableName=table, Key=key)
    return 2 * KEYS + DELETED


def _entries(dynamodb: Any, table: str, prefix: str) -> list[dict[str, Any]]:
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="begins_with(itemKey, :prefix)",
        ExpressionAttributeValues={":prefix": {"S": prefix}},
    )
    return [item for page in pages for item in page["Items"]]


def _messages(sqs: Any, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[name]) for name in names)


def test_throttled_lost_and_redelivered_writes_audit_every_change_once(
    aws: Any,
    endpoints: Endpoints,
    local_stack: LocalStack,
    faults: SetFaults,
    invocation_log: list[str],
) -> None:
    outputs = endpoints.outputs["config_audit"]
    dynamodb, sqs = aws("dynamodb"), aws("sqs")
    prefix = f"FAULTS_{uuid.uuid4().hex[:8]}"
    failures_before = _messages(sqs, outputs["FailureQueueUrl"])
    log_start = len(invocation_log)
    faults(2, RULES)

    changes = _change_configuration(dynamodb, outputs["ConfigurationTableName"], prefix)
    audited = eventually(
        lambda: (
            len(found := _entries(dynamodb, outputs["AuditTableName"], prefix)) >= changes and found
        ),
        timeout=120,
        interval=1,
    )
    streamed = counters(endpoints)
    records = [
        record
        for record in stream_events(
            aws("dynamodbstreams"), outputs["ConfigurationStreamArn"], endpoints.region
        )
        if record["dynamodb"]["Keys"]["key"]["S"].startswith(prefix)
    ]
    assert local_stack.runtime is not None
    redelivered = [
        local_stack.runtime.invoke(FUNCTION, {"Records": records[start : start + 25]})
        for start in range(0, len(records), 25)
    ]
    final = counters(endpoints)

    stream_lines = [line for line in invocation_log[log_start:] if "-> audit_producer:" in line]
    figures = {
        "changes": changes,
        "audit_entries": len(_entries(dynamodb, outputs["AuditTableName"], prefix)),
        "calls_while_streaming": [rule["seen"] for rule in streamed],
        "faulted_while_streaming": [rule["faulted"] for rule in streamed],
        "sdk_retries_while_streaming": streamed[0]["retries"],
        "stream_batches": len(stream_lines),
        "stream_batches_failed": sum(" ok" not in line for line in stream_lines),
        "redelivered_records": len(records),
        "redelivery_invocations_failed": sum(
            not result.ok or bool(result.payload["batchItemFailures"]) for result in redelivered
        ),
        "calls_total": [rule["seen"] for rule in final],
        "faulted_total": [rule["faulted"] for rule in final],
        "failure_queue_new_messages": _messages(sqs, outputs["FailureQueueUrl"]) - failures_before,
    }
    report("config_audit", figures)
    assert len(audited) == changes
    assert figures["audit_entries"] == changes
    assert len(records) == changes
    assert figures["redelivery_invocations_failed"] == 0
    assert figures["failure_queue_new_messages"] <= 0
    assert all(rule["faulted"] > 0 for rule in final)


def _given_up_batches(sqs: Any, url: str, sequence_numbers: set[int]) -> list[dict[str, Any]]:
    """The failure-queue messages whose batch holds any of ``sequence_numbers``, received and
    held invisible. Others (earlier tests' batches) stay invisible until the queue has been read
    through, so they are not received again and again, then are made visible at once."""
    found: list[dict[str, Any]] = []
    others: list[str] = []
    while received := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60
    ).get("Messages", []):
        for message in received:
            info = json.loads(message["Body"])["DDBStreamBatchInfo"]
            span = range(int(info["startSequenceNumber"]), int(info["endSequenceNumber"]) + 1)
            if any(number in span for number in sequence_numbers):
                found.append({**message, "span": span})
            else:
                others.append(message["ReceiptHandle"])
    for handle in others:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    return found


def test_a_write_denied_on_every_delivery_reaches_the_failure_queue_and_its_replay_lands_once(
    aws: Any, endpoints: Endpoints, faults: SetFaults, invocation_log: list[str]
) -> None:
    """Access denied is not retried by the SDK: the stream source retries the batch as the
    template says (MaximumRetryAttempts, bisecting), then sends its metadata to the failure
    queue. The operator's replay (docs/config_audit.md) writes each entry exactly once."""
    outputs = endpoints.outputs["config_audit"]
    dynamodb, sqs, streams = aws("dynamodb"), aws("sqs"), aws("dynamodbstreams")
    producer = outputs["AuditProducerFunctionName"]
    prefix = f"DENIED_{uuid.uuid4().hex[:8]}"
    log_start = len(invocation_log)
    faults(
        0,
        [{"service": "dynamodb", "operation": "PutItem", "principal": producer, "error": "denied"}],
    )
    table = outputs["ConfigurationTableName"]
    for index in range(2):
        dynamodb.put_item(
            TableName=table, Item={"key": {"S": f"{prefix}_{index}"}, "value": {"N": "1"}}
        )
    ours = eventually(
        lambda: (
            [
                record
                for record in stream_events(
                    streams, outputs["ConfigurationStreamArn"], endpoints.region
                )
                if record["dynamodb"]["Keys"]["key"]["S"].startswith(prefix)
            ]
            if len(invocation_log) > log_start
            else None
        )
    )
    numbers = {int(record["dynamodb"]["SequenceNumber"]) for record in ours}
    held: list[dict[str, Any]] = []

    def all_given_up() -> bool:
        held.extend(_given_up_batches(sqs, outputs["FailureQueueUrl"], numbers))
        return all(any(n in message["span"] for message in held) for n in numbers)

    eventually(all_given_up, timeout=60, interval=0.5)
    [rule] = counters(endpoints)
    audited_before_replay = len(_entries(dynamodb, outputs["AuditTableName"], prefix))
    faults(0, [])  # the cause is fixed; then the runbook's replay

    replays = []
    for message in held:
        records = [r for r in ours if int(r["dynamodb"]["SequenceNumber"]) in message["span"]]
        answer = aws("lambda").invoke(
            FunctionName=producer, Payload=json.dumps({"Records": records}).encode()
        )
        replays.append(json.loads(answer["Payload"].read()))
        sqs.delete_message(
            QueueUrl=outputs["FailureQueueUrl"], ReceiptHandle=message["ReceiptHandle"]
        )
    audited = _entries(dynamodb, outputs["AuditTableName"], prefix)

    stream_lines = [line for line in invocation_log[log_start:] if "-> audit_producer:" in line]
    figures = {
        "changes": len(ours),
        "put_item_denied": rule["faulted"],
        "sdk_retries": rule["retries"],
        "stream_invocations": sum(
            " record" in line and " sent to " not in line for line in stream_lines
        ),
        "batches_sent_to_failure_queue": sum(" sent to " in line for line in stream_lines),
        "failure_queue_messages_ours": len(held),
        "audit_entries_before_replay": audited_before_replay,
        "audit_entries_after_replay": len(audited),
        "replays_with_failures": sum(bool(r.get("batchItemFailures")) for r in replays),
    }
    report("config_audit_failure_destination", figures)
    assert len(ours) == 2
    assert rule["retries"] == 0  # the SDK did not retry access denied
    assert figures["batches_sent_to_failure_queue"] >= 1
    assert audited_before_replay == 0
    assert figures["replays_with_failures"] == 0
    assert len(audited) == len({item["id"]["S"] for item in audited}) == len(ours)
