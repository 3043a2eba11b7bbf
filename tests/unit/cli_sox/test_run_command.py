"""``strongroom sox run`` with a Lambda that answers as SOXAuto-PG01 does (its own result
model), and bad options refused before anything is invoked."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer
from botocore.exceptions import ClientError
from typer.testing import CliRunner, Result

from strongroom.cli import app, sox_commands
from strongroom.cli.sox_invoke import Target
from strongroom.cli.sox_seed import standin_path
from strongroom.sox_evidence.services.pg01_run import IpeOutcome, Pg01Result

CUTOFF = date(2026, 11, 30)


def outcome(ipe_id: str, failed_checks: list[str] | None = None) -> IpeOutcome:
    run_id = "20261201T080000Z-0000abcd"
    return IpeOutcome(
        ipe_id=ipe_id,
        run_id=run_id,
        status="failed" if failed_checks else "succeeded",
        rows=1234,
        failed_checks=failed_checks or [],
        failure=None,
        record_key=f"runs/{ipe_id}/cutoff_date={CUTOFF}/run_id={run_id}.json",
    )


def answer(*outcomes: IpeOutcome) -> dict[str, Any]:
    result = Pg01Result(
        cutoff_date=CUTOFF,
        cutoff_source="event",
        trigger="cli",
        requester="ana@host",
        results_bucket="results",
        ipes=list(outcomes),
    )
    return {"statusCode": result.status_code, "body": result.model_dump(mode="json")}


class ScriptedLambda:
    def __init__(self, payload: dict[str, Any], function_error: str | None = None) -> None:
        self.payload = payload
        self.function_error = function_error
        self.events: list[dict[str, Any]] = []

    def invoke(self, **call: Any) -> dict[str, Any]:
        self.events.append(json.loads(call["Payload"]))
        reply: dict[str, Any] = {"Payload": io.BytesIO(json.dumps(self.payload).encode())}
        if self.function_error:
            reply["FunctionError"] = self.function_error
        return reply


class UnknownFunction:
    def invoke(self, **call: Any) -> dict[str, Any]:
        error = {"Error": {"Code": "ResourceNotFoundException", "Message": "Function not found"}}
        raise ClientError(error, "Invoke")


def run(monkeypatch: pytest.MonkeyPatch, fake: Any, *args: str) -> Result:
    target = Target("SOXAuto-PG01", fake, None, None)
    monkeypatch.setattr(sox_commands, "sox_target", lambda *_: target)
    return CliRunner().invoke(app, ["sox", "run", *args], catch_exceptions=False)


def test_every_ipe_succeeding_exits_0_with_a_row_each(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = ScriptedLambda(answer(outcome("CR_05"), outcome("IPE_07")))

    result = run(monkeypatch, fake, "--cutoff", "2026-11-30", "--ipe", "CR_05", "--ipe", "IPE_07")

    assert result.exit_code == 0, result.output
    (event,) = fake.events
    assert event["cutoff_date"] == "2026-11-30"
    assert event["ipe_ids"] == ["CR_05", "IPE_07"]
    assert event["trigger"] == "cli"
    assert "@" in event["requester"]
    assert "PG-01 run for cutoff 2026-11-30" in result.output
    assert result.output.count("succeeded") == 2


def test_a_failed_check_exits_1_naming_the_ipe_and_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = ScriptedLambda(answer(outcome("CR_05"), outcome("IPE_07", ["witness_present"])))

    result = run(monkeypatch, fake)

    assert result.exit_code == 1, result.output
    assert "IPE_07 failed: failed checks: witness_present" in " ".join(result.output.split())


def test_a_refused_event_exits_2_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    refusal = {
        "statusCode": 400,
        "body": {"message": "cutoff_date: 2999-01-01 is in the future", "errors": []},
    }

    result = run(monkeypatch, ScriptedLambda(refusal))

    assert result.exit_code == 2
    assert "cutoff_date: 2999-01-01 is in the future" in result.output


def test_a_failed_invocation_exits_2_with_lambdas_error(monkeypatch: pytest.MonkeyPatch) -> None:
    crash = {"errorType": "OperationalError", "errorMessage": "database is locked"}

    result = run(monkeypatch, ScriptedLambda(crash, function_error="Unhandled"))

    assert result.exit_code == 2
    assert "OperationalError: database is locked" in result.output


def test_lambda_refusing_the_call_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(monkeypatch, UnknownFunction())

    assert result.exit_code == 2
    assert "could not invoke SOXAuto-PG01" in result.output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["run", "--ipe", "IPE_99"], "--ipe: 'IPE_99' is not an IPE of the catalog"),
        (["run", "--cutoff", "2026-13-01"], "--cutoff: must be a date written YYYY-MM-DD"),
        (["status", "--cutoff", "yesterday"], "--cutoff: must be a date written YYYY-MM-DD"),
        (["query", "SELECT 1", "--csv", "--json"], "give --csv or --json, not both"),
        (["query", "SELECT 1", "--timeout", "0"], "--timeout: 0.0 must be more than 0"),
        (["query", "SELECT 1", "--workgroup", "w"], "--database and --workgroup are Athena's"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(
    args: list[str], named: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["sox", *args, "--state-dir", str(tmp_path)])

    assert result.exit_code == 1
    assert named in " ".join(result.output.split())


def test_seed_refuses_without_a_local_stack(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sox", "seed", "--rows", "10", "--state-dir", str(tmp_path)])

    assert result.exit_code == 1
    assert "works on the local stack only" in " ".join(result.output.split())


def test_seed_writes_only_a_sqlite_standin() -> None:
    assert standin_path("sqlite:////tmp/state/nav_bi.sqlite") == Path("/tmp/state/nav_bi.sqlite")
    with pytest.raises(typer.Exit):
        standin_path("DRIVER={ODBC Driver 17 for SQL Server};SERVER=navbi;DATABASE=NAV")
