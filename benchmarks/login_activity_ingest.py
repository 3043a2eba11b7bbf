"""login_activity: ingest throughput, DynamoDB writes per event, query latency over HTTP.

1. The ingest handler alone, in-process, against the emulator: SQS-shaped batches of login events
   for a pool of users; events/s, and PutItem calls counted by a botocore hook on the handler's own
   client, per event and per (user, batch) pair; target: at most one write per user per batch.
2. The query API on the local stack: sequential GET /users/{id}/services with the dev token over
   HTTP; p50 and p99 latency.

Run: ``python -m benchmarks login_activity``.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.lambda_context import FakeLambdaContext

from benchmarks.machine import describe
from strongroom.local.api_client import ApiClient
from strongroom.local.stack import LocalStack, StackOptions

EVENTS = 5000
USERS = 250
SERVICES = 12
BATCH = 100
QUERIES = 500
CONTEXT = FakeLambdaContext("login_activity-ingest:live", aws_request_id="benchmark")


def _events(queue_arn: str) -> list[dict[str, Any]]:
    chooser = random.Random(7)
    records = []
    for index in range(EVENTS):
        body = {
            "user_id": f"user-{chooser.randrange(USERS):04d}",
            "service_id": f"rp-{chooser.randrange(SERVICES):02d}",
            "service_name": f"Relying party {index % SERVICES}",
            "timestamp": f"2026-11-{1 + chooser.randrange(28):02d}T"
            f"{chooser.randrange(24):02d}:{chooser.randrange(60):02d}:00Z",
        }
        records.append(
            {
                "messageId": f"bench-{index}",
                "receiptHandle": f"handle-{index}",
                "body": json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "0"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "eu-west-1",
            }
        )
    return records


def _ingest(stack: LocalStack, outputs: dict[str, Any], queue_arn: str) -> dict[str, float]:
    os.environ.update(stack.emulator.aws_environment())
    os.environ["LOGIN_ACTIVITY_TABLE_NAME"] = outputs["LoginActivityTableName"]
    os.environ["DEAD_LETTER_QUEUE_URL"] = outputs["DeadLetterQueueUrl"]
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "benchmark")
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    from strongroom.core.aws import client  # noqa: PLC0415 - after the environment is set
    from strongroom.login_activity.handlers import ingest  # noqa: PLC0415

    puts = 0

    def count_put(**_: Any) -> None:
        nonlocal puts
        puts += 1

    client("dynamodb").meta.events.register("after-call.dynamodb.PutItem", count_put)
    records = _events(queue_arn)
    user_batches = sum(
        len({json.loads(record["body"])["user_id"] for record in records[start : start + BATCH]})
        for start in range(0, EVENTS, BATCH)
    )
    started = time.perf_counter()
    for start in range(0, EVENTS, BATCH):
        response = ingest.handler({"Records": records[start : start + BATCH]}, CONTEXT)
        assert not response["batchItemFailures"], response
    elapsed = time.perf_counter() - started
    return {
        "events_per_second": EVENTS / elapsed,
        "writes_per_event": puts / EVENTS,
        "writes_per_user_batch": puts / user_batches,
    }


def _query_latencies(stack: LocalStack, outputs: dict[str, Any]) -> list[float]:
    api = ApiClient(outputs["ApiUrl"], stack.mint_token(["login_activity/read"]))
    chooser = random.Random(11)
    latencies = []
    for _ in range(QUERIES):
        user = f"user-{chooser.randrange(USERS):04d}"
        started = time.perf_counter()
        answer = api.get("users", user, "services")
        latencies.append(time.perf_counter() - started)
        assert answer.status == 200, answer
    return latencies


def run() -> str:
    state = Path(tempfile.mkdtemp(prefix="strongroom-bench-"))
    try:
        with LocalStack(StackOptions(state_dir=state, log=lambda _line: None)) as stack:
            outputs = next(s.outputs for s in stack.stacks if s.system == "login_activity")
            queue_arn = stack.client("sqs").get_queue_attributes(
                QueueUrl=outputs["EventsQueueUrl"], AttributeNames=["QueueArn"]
            )["Attributes"]["QueueArn"]
            ingest = _ingest(stack, outputs, queue_arn)
            latencies = _query_latencies(stack, outputs)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    cuts = statistics.quantiles(latencies, n=100)
    return "\n".join(
        [
            f"login_activity, {EVENTS} events for {USERS} users x {SERVICES} services, batches of "
            f"{BATCH}; {QUERIES} queries; machine: {describe()}",
            "",
            "| measure | value |",
            "|---|---|",
            f"| ingest handler alone against the emulator | {ingest['events_per_second']:,.0f}"
            " events/s |",
            f"| DynamoDB writes per event | {ingest['writes_per_event']:.2f} |",
            f"| DynamoDB writes per user per batch (target <= 1) | "
            f"{ingest['writes_per_user_batch']:.2f} |",
            f"| query latency p50 over HTTP (local stack) | {cuts[49] * 1000:.1f} ms |",
            f"| query latency p99 over HTTP (local stack) | {cuts[98] * 1000:.1f} ms |",
        ]
    )
