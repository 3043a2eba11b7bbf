"""``strongroom sox query --bucket`` on AWS goes through Athena (moto's API as boto3 sees it):
the stack's workgroup and database, and Athena's typed cells printed exactly."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws
from typer.testing import CliRunner, Result

from strongroom.cli import app
from tests.support.athena_answers import queue_athena_answer

pytestmark = pytest.mark.integration

REGION = "eu-west-1"


def query(sql: str, *options: str) -> Result:
    return CliRunner().invoke(app, ["sox", "query", sql, "--bucket", "results", *options])


def test_the_answer_comes_from_athena_in_the_named_workgroup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        boto3.client("athena").create_work_group(Name="sox-evidence")
        backend = queue_athena_answer(
            REGION,
            [("cutoff_date", "varchar"), ("entries", "bigint"), ("remaining", "decimal")],
            [("2026-11-30", "41520", "36158398.64")],
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
