"""``strongroom sox query --bucket`` on AWS goes through Athena (moto's API as boto3 sees it):
the stack's workgroup and database, and Athena's typed cells printed exactly."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.athena.models import QueryResults, athena_backends
from moto.core import DEFAULT_ACCOUNT_ID
from typer.testing import CliRunner, Result

from strongroom.cli import app

pytestmark = pytest.mark.integration

REGION = "eu-west-1"


def query(sql: str, *options: str) -> Result:
    return CliRunner().invoke(app, ["sox", "query", sql, "--bucket", "results", *options])


def cells(*values: str) -> dict[str, Any]:
    return {"Data": [{"VarCharValue": value} for value in values]}


def test_the_answer_comes_from_athena_in_the_named_workgroup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        boto3.client("athena").create_work_group(Name="sox-evidence")
        backend = athena_backends[DEFAULT_ACCOUNT_ID][REGION]
        backend.query_results_queue.append(
            QueryResults(
                rows=[
                    cells("cutoff_date", "entries", "remaining"),
                    cells("2026-11-30", "41520", "36158398.64"),
                ],
                column_info=[
                    {"Name": "cutoff_date", "Type": "varchar"},
                    {"Name": "entries", "Type": "bigint"},
                    {"Name": "remaining", "Type": "decimal"},
                ],
            )
        )
        sql = (
            "SELECT cutoff_date, COUNT(*) AS entries, SUM(remaining_amount_lcy) AS remaining "
            "FROM ipe_07 WHERE run_id = '20261201T080000Z-0000abcd' GROUP BY cutoff_date"
        )

        result = query(sql, "--json", "--workgroup", "sox-evidence")

        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == [
            {"cutoff_date": "2026-11-30", "entries": 41520, "remaining": "36158398.64"}
        ]
        (execution,) = backend.executions.values()
        assert execution.workgroup.name == "sox-evidence"
        assert execution.query == sql


def test_a_workgroup_athena_does_not_know_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        result = query("SELECT 1", "--workgroup", "nowhere")

    assert result.exit_code == 1
    assert "could not query Athena (jumia_sox_db, workgroup nowhere)" in " ".join(
        result.output.split()
    )
