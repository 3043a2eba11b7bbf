"""config_audit under throttled audit writes, writes whose answer is lost, and the stream
delivered again: N changes to Configuration, exactly N audit entries, nothing on the failure
queue."""

from __future__ import annotations

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


RETRY_BUDGET = 5
"""Attempts a function's client makes per call (core.aws: standard mode, 5 attempts)."""


def test_a_write_failing_past_the_sdks_retries_is_retried_from_its_record_and_lands_once(
    aws: Any, endpoints: Endpoints, faults: SetFaults, invocation_log: list[str]
) -> None:
    """One audit PutItem is throttled on every attempt the function's client makes: the
    function reports that record failed, the stream source retries the batch from it, and
    every change is audited exactly once."""
    outputs = endpoints.outputs["config_audit"]
    dynamodb, sqs = aws("dynamodb"), aws("sqs")
    prefix = f"EXHAUST_{uuid.uuid4().hex[:8]}"
    failures_before = _messages(sqs, outputs["FailureQueueUrl"])
    log_start = len(invocation_log)
    faults(
        0,
        [
            {
                "service": "dynamodb",
                "operation": "PutItem",
                "principal": outputs["AuditProducerFunctionName"],
                "error": "throttle",
                "max_faults": RETRY_BUDGET,
            }
        ],
    )

    table = outputs["ConfigurationTableName"]
    for index in range(3):
        key = {"key": {"S": f"{prefix}_{index}"}}
        dynamodb.put_item(TableName=table, Item={**key, "value": {"N": str(index)}})
        dynamodb.delete_item(TableName=table, Key=key)
    changes = 6
    audited = eventually(
        lambda: (
            len(found := _entries(dynamodb, outputs["AuditTableName"], prefix)) >= changes and found
        ),
        timeout=90,
        interval=0.5,
    )
    [rule] = counters(endpoints)

    stream_lines = [line for line in invocation_log[log_start:] if "-> audit_producer:" in line]
    figures = {
        "changes": changes,
        "audit_entries": len(audited),
        "put_item_seen": rule["seen"],
        "put_item_throttled": rule["faulted"],
        "sdk_retries": rule["retries"],
        "stream_batches": len(stream_lines),
        "stream_batches_failed": sum(
            " failed from sequence number" in line for line in stream_lines
        ),
        "failure_queue_new_messages": _messages(sqs, outputs["FailureQueueUrl"]) - failures_before,
    }
    report("config_audit_retries_exhausted", figures)
    assert len(audited) == changes
    assert len({item["id"]["S"] for item in audited}) == changes
    assert rule["faulted"] == RETRY_BUDGET
    assert figures["stream_batches_failed"] >= 1
    assert figures["failure_queue_new_messages"] <= 0
