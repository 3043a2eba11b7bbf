"""login_activity under throttled and failing DynamoDB calls: every user's services exactly right,
no message of the scenario's on the dead-letter queue.

The queue is drained when every message was deleted, i.e. ingest reported it processed (or
parked it, which would show on the dead-letter queue); a failed one comes back after the
visibility timeout, so a drained queue is the end of the scenario."""

from __future__ import annotations

import json
import random
import time
import uuid
from typing import Any

import pytest

from strongroom.local.api_client import ApiClient
from strongroom.local.endpoints import Endpoints
from tests.e2e.faults.conftest import SetFaults, counters, report
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
USERS, SERVICES = 8, 4
RULES: list[dict[str, Any]] = [
    {"service": "dynamodb", "operation": "PutItem", "error": "throttle", "fraction": 0.2},
    {"service": "dynamodb", "operation": "UpdateItem", "error": "throttle", "fraction": 0.2},
    {"service": "dynamodb", "operation": "GetItem", "error": "throttle", "fraction": 0.2},
    # The write took effect and its answer was lost: the retry meets its own write.
    {
        "service": "dynamodb",
        "operation": "PutItem",
        "error": "5xx",
        "fraction": 0.1,
        "phase": "after",
    },
]
SCENARIO_VISIBILITY_SECONDS = "10"
"""A message reported failed comes back in seconds rather than the template's 180."""
LONG_POLL_SECONDS = 1
"""The stack's pollers' WaitTimeSeconds: a receive already waiting when the visibility timeout
changes still applies the old one (on AWS a queue attribute takes up to 60 s to propagate)."""


def _events(prefix: str) -> tuple[list[dict[str, str]], dict[str, list[dict[str, str]]]]:
    """Two logins per user and service, the later one expected; sent shuffled."""
    events, expected = [], {}
    for user in range(USERS):
        user_id = f"{prefix}-u{user:02d}"
        services = []
        for service in range(SERVICES):
            latest = f"2026-12-0{1 + service}T1{user % 10}:00:00Z"
            for timestamp in (latest, f"2026-11-2{service}T08:00:00Z"):
                events.append(
                    {
                        "user_id": user_id,
                        "service_id": f"svc-{service}",
                        "service_name": f"Service {service}",
                        "timestamp": timestamp,
                    }
                )
            services.append(
                {
                    "service_id": f"svc-{service}",
                    "service_name": f"Service {service}",
                    "last_accessed": latest,
                }
            )
        expected[user_id] = sorted(services, key=lambda s: s["last_accessed"], reverse=True)
    random.Random(14).shuffle(events)
    return events, expected


def _queue_empty(sqs: Any, url: str) -> bool:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return all(attributes[name] == "0" for name in names)


def _ours_in_dlq(sqs: Any, url: str, prefix: str) -> list[str]:
    """Every message of the scenario on the dead-letter queue (each looked at once)."""
    found, seen = [], set()
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=5)
        fresh = [m for m in messages.get("Messages", []) if m["MessageId"] not in seen]
        if not fresh:
            return found
        for message in fresh:
            seen.add(message["MessageId"])
            if prefix in message["Body"]:
                found.append(message["Body"])


def test_throttled_and_lost_writes_lose_and_duplicate_nothing(
    aws: Any, endpoints: Endpoints, faults: SetFaults, invocation_log: list[str]
) -> None:
    outputs = endpoints.outputs["login_activity"]
    api = ApiClient(outputs["ApiUrl"], endpoints.token)
    sqs = aws("sqs")
    queue = outputs["EventsQueueUrl"]
    prefix = f"faults-{uuid.uuid4().hex[:8]}"
    events, expected = _events(prefix)
    original = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["VisibilityTimeout"])
    sqs.set_queue_attributes(
        QueueUrl=queue, Attributes={"VisibilityTimeout": SCENARIO_VISIBILITY_SECONDS}
    )
    log_start = len(invocation_log)
    faults(14, RULES)
    time.sleep(LONG_POLL_SECONDS + 1)  # a receive already waiting keeps the old timeout
    try:
        for start in range(0, len(events), 10):
            sqs.send_message_batch(
                QueueUrl=queue,
                Entries=[
                    {"Id": str(index), "MessageBody": json.dumps(event)}
                    for index, event in enumerate(events[start : start + 10])
                ],
            )

        eventually(lambda: _queue_empty(sqs, queue), timeout=120, interval=1)
        rules = counters(endpoints)
    finally:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes=original["Attributes"])

    ingest_lines = [
        line for line in invocation_log[log_start:] if "-> login_activity-ingest:" in line
    ]
    figures = {
        "messages": len(events),
        "users": USERS,
        "calls": {f"{r['operation']}:{r['error']}:{r['phase']}": r["seen"] for r in rules},
        "faulted": {f"{r['operation']}:{r['error']}:{r['phase']}": r["faulted"] for r in rules},
        "sdk_retries": {f"{r['operation']}": r["retries"] for r in rules[:3]},
        "invocations": len(ingest_lines),
        "invocations_with_failed_messages": sum(" failed" in line for line in ingest_lines),
        "dead_letters": len(_ours_in_dlq(sqs, outputs["DeadLetterQueueUrl"], prefix)),
    }
    report("login_activity", figures)
    for user_id, services in expected.items():  # read once, as a client of the API would
        answer = api.get("users", user_id, "services")
        assert (answer.status, answer.body["services"]) == (200, services)
    assert figures["dead_letters"] == 0
    assert rules[0]["faulted"] > 0
    assert rules[3]["faulted"] > 0
    assert rules[0]["retries"] > 0


SHORT_VISIBILITY_SECONDS = "8"
"""Longer than an invocation that fails at once (a cold start included), or the message would
be received again while held."""


def test_a_write_the_sdk_cannot_retry_is_redelivered_by_sqs_and_lands_once(
    aws: Any, endpoints: Endpoints, faults: SetFaults, invocation_log: list[str]
) -> None:
    """Ingest's first PutItem is denied, which no SDK retries: that user's messages are reported
    failed, come back after the visibility timeout and land; the others land at once."""
    outputs = endpoints.outputs["login_activity"]
    api = ApiClient(outputs["ApiUrl"], endpoints.token)
    sqs = aws("sqs")
    queue = outputs["EventsQueueUrl"]
    prefix = f"denied-{uuid.uuid4().hex[:8]}"
    users = [f"{prefix}-u{user}" for user in range(5)]
    events = [
        {
            "user_id": user_id,
            "service_id": f"svc-{service}",
            "service_name": f"Service {service}",
            "timestamp": f"2026-12-0{1 + service}T10:00:00Z",
        }
        for user_id in users
        for service in range(2)
    ]
    original = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["VisibilityTimeout"])
    sqs.set_queue_attributes(
        QueueUrl=queue, Attributes={"VisibilityTimeout": SHORT_VISIBILITY_SECONDS}
    )
    log_start = len(invocation_log)
    ingest = outputs["IngestFunctionName"]
    faults(
        0,
        [
            {
                "service": "dynamodb",
                "operation": "PutItem",
                "principal": ingest,
                "error": "denied",
                "max_faults": 1,
            }
        ],
    )
    time.sleep(LONG_POLL_SECONDS + 1)
    try:
        sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[
                {"Id": str(index), "MessageBody": json.dumps(event)}
                for index, event in enumerate(events)
            ],
        )
        eventually(lambda: _queue_empty(sqs, queue), timeout=60, interval=0.5)
        [rule] = counters(endpoints)
    finally:
        sqs.set_queue_attributes(QueueUrl=queue, Attributes=original["Attributes"])

    ingest_lines = [line for line in invocation_log[log_start:] if f"-> {ingest}:" in line]
    figures = {
        "messages": len(events),
        "users": len(users),
        "put_item_seen": rule["seen"],
        "put_item_denied": rule["faulted"],
        "sdk_retries": rule["retries"],
        "invocations": len(ingest_lines),
        "invocations_with_failed_messages": sum(" failed" in line for line in ingest_lines),
        "dead_letters": len(_ours_in_dlq(sqs, outputs["DeadLetterQueueUrl"], prefix)),
    }
    report("login_activity_denied", figures)
    expected = [
        {
            "service_id": f"svc-{service}",
            "service_name": f"Service {service}",
            "last_accessed": f"2026-12-0{1 + service}T10:00:00Z",
        }
        for service in (1, 0)
    ]
    for user_id in users:
        answer = api.get("users", user_id, "services")
        assert (answer.status, answer.body["services"]) == (200, expected)
    assert (rule["faulted"], rule["retries"]) == (1, 0)
    assert figures["invocations_with_failed_messages"] >= 1
    assert figures["dead_letters"] == 0
