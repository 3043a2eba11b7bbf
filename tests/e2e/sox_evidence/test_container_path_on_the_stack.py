"""A container IPE through the local stack: SOXAuto-PG01 submits its Batch job, the job (a local
process there) runs the same extraction and checks and writes the run record the answer named."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pyarrow.compute as pc
import pytest

from strongroom.local.endpoints import Endpoints
from strongroom.sox_evidence.domain.cutoff import last_day_of_previous_month
from strongroom.sox_evidence.public import RunRecord
from tests.e2e.sox_evidence.test_pg01_on_the_stack import parquet
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
LAST_MONTH_END = last_day_of_previous_month(datetime.now(UTC).date())


def stored_record(aws: Any, bucket: str, key: str) -> RunRecord | None:
    s3 = aws("s3")
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    return RunRecord.model_validate_json(body)


def test_a_container_ipe_runs_as_a_batch_job_and_records_its_checks(
    aws: Any, endpoints: Endpoints
) -> None:
    bucket = endpoints.outputs["sox_evidence"]["ResultsBucketName"]
    payload = {"cutoff_date": LAST_MONTH_END.isoformat(), "ipe_ids": ["CR_05"]}

    invoked = aws("lambda").invoke(
        FunctionName="SOXAuto-PG01",
        Payload=json.dumps({**payload, "runs_on": "container"}).encode(),
    )

    answer = json.loads(invoked["Payload"].read())
    assert answer["statusCode"] == 200, answer
    [submitted] = answer["body"]["ipes"]
    assert (submitted["status"], submitted["runs_on"]) == ("submitted", "container")
    job = eventually(
        lambda: (
            (found := aws("batch").describe_jobs(jobs=[submitted["job_id"]])["jobs"])
            and found[0]["status"] in {"SUCCEEDED", "FAILED"}
            and found[0]
        ),
        timeout=60,
    )
    assert job["status"] == "SUCCEEDED", job.get("statusReason")
    assert job["jobName"] == submitted["job_name"]
    record = stored_record(aws, bucket, submitted["record_key"])
    assert record is not None
    assert (record.run_id, record.status, record.runs_on) == (
        submitted["run_id"],
        "succeeded",
        "container",
    )
    assert record.batch_job_id == submitted["job_id"]
    assert record.context.trigger == "invoke"
    assert record.checks
    assert all(check.passed for check in record.checks)
    table = parquet(aws, bucket, record)
    assert table.num_rows == record.rows > 0
    for column, total in record.control_totals.items():
        assert pc.sum(table.column(column)).as_py() == total
