"""SOXAuto-PG01 through the local stack as the seed's operator drives it: `aws lambda invoke`
with the seed's payload, the monthly schedule, the Parquet read back with pyarrow."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.local.endpoints import Endpoints
from strongroom.local.stack import LocalStack
from strongroom.sox_evidence.domain.cutoff import last_day_of_previous_month
from strongroom.sox_evidence.public import RunRecord, catalog
from tests.e2e.aws_cli import aws_cli
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e
SCHEDULE = "sox_evidence.Pg01Function.MonthlyExecution"
LAST_MONTH_END = last_day_of_previous_month(datetime.now(UTC).date())


@pytest.fixture(scope="module")
def outputs(endpoints: Endpoints) -> dict[str, str]:
    return endpoints.outputs["sox_evidence"]


def run_records(aws: Any, bucket: str, prefix: str = "runs/") -> list[RunRecord]:
    s3 = aws("s3")
    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in page.get("Contents", [])
    ]
    return [
        RunRecord.model_validate_json(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        for key in keys
    ]


def parquet(aws: Any, bucket: str, record: RunRecord) -> pa.Table:
    s3 = aws("s3")
    return pa.concat_tables(
        pq.read_table(
            io.BytesIO(
                s3.get_object(Bucket=bucket, Key=part.key, VersionId=part.version_id)["Body"].read()
            )
        )
        for part in record.parts
    )


def test_the_seeds_invoke_runs_every_ipe_and_the_parquet_reads_back_to_the_servers_totals(
    aws: Any, endpoints: Endpoints, outputs: dict[str, str], tmp_path: Path
) -> None:
    answer_file = tmp_path / "response.json"
    payload = json.dumps({"cutoff_date": LAST_MONTH_END.isoformat()})

    invoked = aws_cli(
        endpoints,
        "lambda",
        "invoke",
        "--function-name",
        "SOXAuto-PG01",
        "--payload",
        payload,
        str(answer_file),
    )

    assert invoked["StatusCode"] == 200
    assert "FunctionError" not in invoked
    answer = json.loads(answer_file.read_text())
    assert answer["statusCode"] == 200, answer
    assert [ipe["ipe_id"] for ipe in answer["body"]["ipes"]] == ["CR_05", "IPE_07", "IPE_08"]
    bucket = outputs["ResultsBucketName"]
    by_run = {record.run_id: record for record in run_records(aws, bucket)}
    for outcome in answer["body"]["ipes"]:
        record = by_run[outcome["run_id"]]
        assert record.status == "succeeded", record.checks
        assert record.server is not None
        assert record.server.database == "nav_bi.sqlite"
        table = parquet(aws, bucket, record)
        assert table.num_rows == record.rows > 0
        for column, total in record.control_totals.items():
            assert pc.sum(table.column(column)).as_py() == total
            assert isinstance(total, Decimal)


def test_the_monthly_schedule_runs_every_ipe_for_last_months_cutoff_beside_earlier_runs(
    aws: Any, outputs: dict[str, str], local_stack: LocalStack
) -> None:
    bucket = outputs["ResultsBucketName"]
    before = {record.run_id for record in run_records(aws, bucket)}
    state = ["--state-dir", str(local_stack.options.state_dir)]

    fired = CliRunner().invoke(app, ["schedule", "run", SCHEDULE, *state])

    assert fired.exit_code == 0, fired.output
    new = eventually(
        lambda: (
            len(found := [r for r in run_records(aws, bucket) if r.run_id not in before]) == 3
            and found
        ),
        timeout=120,
    )
    assert sorted(record.ipe_id for record in new) == sorted(catalog())
    assert {record.context.trigger for record in new} == {"schedule"}
    assert {record.context.cutoff_date for record in new} == {LAST_MONTH_END}
    assert {record.status for record in new} == {"succeeded"}
    assert before <= {record.run_id for record in run_records(aws, bucket)}
