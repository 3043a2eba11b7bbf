"""sox_evidence under failing Parquet part uploads: each IPE either succeeds with its checks
passing and its Parquet reading back to the server's totals, or fails visibly in its run
record; never a silent partial."""

from __future__ import annotations

import json
from typing import Any

import pyarrow.compute as pc
import pytest

from strongroom.local.endpoints import Endpoints
from tests.e2e.faults.conftest import SetFaults, counters, report
from tests.e2e.sox_evidence.test_pg01_on_the_stack import parquet, run_records

pytestmark = pytest.mark.e2e
FUNCTION = "SOXAuto-PG01"
CUTOFF = "2025-01-31"  # a cutoff of its own
RULES: list[dict[str, Any]] = [
    {"service": "s3", "operation": "PutObject", "error": "5xx", "fraction": 0.3},
    # The part was stored and the answer lost: the retry stores it again, as a new version.
    {"service": "s3", "operation": "PutObject", "error": "5xx", "fraction": 0.1, "phase": "after"},
]


def test_ipes_under_failing_part_uploads_succeed_with_checks_or_fail_visibly(
    aws: Any, endpoints: Endpoints, faults: SetFaults
) -> None:
    bucket = endpoints.outputs["sox_evidence"]["ResultsBucketName"]
    faults(11, [{**rule, "principal": FUNCTION} for rule in RULES])

    answer = aws("lambda").invoke(
        FunctionName=FUNCTION, Payload=json.dumps({"cutoff_date": CUTOFF}).encode()
    )
    body = json.loads(answer["Payload"].read())
    rules = counters(endpoints)

    assert "FunctionError" not in answer, body
    by_run = {record.run_id: record for record in run_records(aws, bucket)}
    outcomes = body["body"]["ipes"]
    records = [by_run[outcome["run_id"]] for outcome in outcomes]
    succeeded = [record for record in records if record.status == "succeeded"]
    figures = {
        "ipes": len(records),
        "statuses": {record.ipe_id: record.status for record in records},
        "put_object_seen": rules[0]["seen"],
        "put_object_5xx": [rule["faulted"] for rule in rules],
        "sdk_retries": rules[0]["retries"],
        "parts": sum(len(record.parts) for record in records),
    }
    report("sox_evidence", figures)
    for record in succeeded:
        assert not record.failed_checks, record.checks
        table = parquet(aws, bucket, record)
        assert table.num_rows == record.rows
        for column, total in record.control_totals.items():
            assert pc.sum(table.column(column)).as_py() == total
    for record in records:
        if record.status != "succeeded":
            assert record.failure or record.failed_checks, record
    assert len(records) == 3
    assert sum(rule["faulted"] for rule in rules) > 0
