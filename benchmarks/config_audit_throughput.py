"""config_audit: how fast changes become audit entries, and what each one costs.

1. The handler alone, in-process, against the emulator: records/s and DynamoDB writes per record.
2. End to end on the local stack: items put with boto3 until every audit entry is readable.

The emulator (moto, single process) bounds both; the ratio between them shows how much the
local event source adds. Run: ``python -m benchmarks config_audit``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.lambda_context import FakeLambdaContext

from benchmarks.machine import describe
from strongroom.local.stack import LocalStack, StackOptions

RECORDS = 2000
BATCH = 100
CONTEXT = FakeLambdaContext("audit_producer:learn", aws_request_id="benchmark")


def _insert_record(index: int, stream_arn: str) -> dict[str, Any]:
    key = f"BENCH_{index:06d}"
    return {
        "eventID": f"bench-{index}",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-1",
        "eventSourceARN": stream_arn,
        "dynamodb": {
            "ApproximateCreationDateTime": time.time(),
            "Keys": {"key": {"S": key}},
            "NewImage": {"key": {"S": key}, "value": {"N": str(index)}},
            "SequenceNumber": f"{10**20 + index}",
            "SizeBytes": 64,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def _handler_alone(stack: LocalStack, outputs: dict[str, Any]) -> tuple[float, float]:
    os.environ.update(stack.emulator.aws_environment())
    os.environ["AUDIT_TABLE_NAME"] = outputs["AuditTableName"]
    os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "benchmark")
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # per-record logs would measure the terminal
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    from strongroom.config_audit.handlers import audit_producer  # noqa: PLC0415 - env first

    stream_arn = outputs["ConfigurationStreamArn"] + "-benchmark"
    records = [_insert_record(index, stream_arn) for index in range(RECORDS)]
    started = time.perf_counter()
    for start in range(0, RECORDS, BATCH):
        response = audit_producer.handler({"Records": records[start : start + BATCH]}, CONTEXT)
        assert not response["batchItemFailures"], response
    elapsed = time.perf_counter() - started
    writes = stack.client("dynamodb").scan(TableName=outputs["AuditTableName"], Select="COUNT")
    return RECORDS / elapsed, writes["Count"] / RECORDS


def _end_to_end(stack: LocalStack, outputs: dict[str, Any]) -> float:
    dynamodb = stack.client("dynamodb")
    audit = outputs["AuditTableName"]
    before = dynamodb.scan(TableName=audit, Select="COUNT")["Count"]
    started = time.perf_counter()
    for index in range(RECORDS):
        dynamodb.put_item(
            TableName=outputs["ConfigurationTableName"],
            Item={"key": {"S": f"E2E_{index:06d}"}, "value": {"N": str(index)}},
        )
    deadline = time.monotonic() + 600
    while dynamodb.scan(TableName=audit, Select="COUNT")["Count"] < before + RECORDS:
        if time.monotonic() > deadline:
            raise TimeoutError("audit entries did not all appear within 10 minutes")
        time.sleep(0.5)
    return RECORDS / (time.perf_counter() - started)


def run() -> str:
    state = Path(tempfile.mkdtemp(prefix="strongroom-bench-"))
    try:
        with LocalStack(StackOptions(state_dir=state, log=lambda _line: None)) as stack:
            outputs = next(s.outputs for s in stack.stacks if s.system == "config_audit")
            handler_rate, writes_per_record = _handler_alone(stack, outputs)
            end_to_end_rate = _end_to_end(stack, outputs)
    finally:
        shutil.rmtree(state, ignore_errors=True)
    return "\n".join(
        [
            f"config_audit, {RECORDS} INSERT records, batches of {BATCH}; machine: {describe()}",
            "",
            "| measure | value |",
            "|---|---|",
            f"| handler alone against the emulator | {handler_rate:,.0f} records/s |",
            f"| DynamoDB writes per INSERT record | {writes_per_record:.2f} |",
            f"| end to end (put_item to entry readable) | {end_to_end_rate:,.0f} records/s |",
            f"| end to end / handler alone | {end_to_end_rate / handler_rate:.2f} |",
        ]
    )
