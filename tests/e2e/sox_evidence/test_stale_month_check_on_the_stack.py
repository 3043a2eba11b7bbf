"""The freshness check through the local stack: a month with no runs reports every IPE; once
each IPE has a successful run for the month that is due, the schedule's check reports none.

The second test runs whatever the month due still lacks; after test_pg01_on_the_stack (files
run in name order) that is usually nothing, so it costs two schedule fires."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

from strongroom.cli import app
from strongroom.local.stack import LocalStack
from strongroom.sox_evidence.domain.freshness import due_cutoff
from strongroom.sox_evidence.public import catalog

pytestmark = pytest.mark.e2e
SCHEDULE = "sox_evidence.FreshnessFunction.HourlyCheck"
IPE_IDS = list(catalog())


def invoke(aws: Any, function: str, payload: dict[str, Any]) -> dict[str, Any]:
    invoked = aws("lambda").invoke(FunctionName=function, Payload=json.dumps(payload).encode())
    answer: dict[str, Any] = json.loads(invoked["Payload"].read())
    return answer


def fire_schedule(local_stack: LocalStack) -> dict[str, Any]:
    state = ["--state-dir", str(local_stack.options.state_dir)]
    fired = CliRunner().invoke(app, ["schedule", "run", SCHEDULE, *state])
    assert fired.exit_code == 0, fired.output
    answer: dict[str, Any] = json.loads(fired.output)
    return answer


def test_a_month_without_runs_reports_every_ipe(aws: Any) -> None:
    answer = invoke(aws, "SOXAuto-PG01-Freshness", {"cutoff_date": "2024-02-29"})

    assert answer["statusCode"] == 200, answer
    assert answer["body"]["cutoff_date"] == "2024-02-29"
    assert answer["body"]["without_successful_run"] == IPE_IDS


def test_the_schedule_reports_none_once_every_ipe_ran_for_the_month_due(
    aws: Any, local_stack: LocalStack
) -> None:
    due = due_cutoff(datetime.now(UTC))
    first = fire_schedule(local_stack)["body"]
    assert first["cutoff_date"] == due.isoformat()
    missing = first["without_successful_run"]
    assert set(missing) <= set(IPE_IDS)
    if missing:  # not yet run in this session: run them, as an operator answering the alarm
        ran = invoke(aws, "SOXAuto-PG01", {"cutoff_date": due.isoformat(), "ipe_ids": missing})
        assert ran["statusCode"] == 200, ran

    again = fire_schedule(local_stack)["body"]

    assert again["cutoff_date"] == due.isoformat()
    assert again["checked"] == IPE_IDS
    assert again["without_successful_run"] == []
