"""``strongroom triggers run`` over several days with a Lambda that answers each day its way."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from typer.testing import CliRunner, Result

from strongroom.cli import app, triggers_commands
from strongroom.trigger_archive.public import ClientError as FailedClient
from tests.unit.cli_triggers.support import result_body

Answer = Callable[[dict[str, Any]], dict[str, Any]]


def ok(status: int = 200, **counts: Any) -> Answer:
    def answer(event: dict[str, Any]) -> dict[str, Any]:
        body = result_body(date.fromisoformat(event["trigger_date"]), **counts)
        return {"Payload": io.BytesIO(json.dumps({"statusCode": status, "body": body}).encode())}

    return answer


def function_error(message: str) -> Answer:
    def answer(event: dict[str, Any]) -> dict[str, Any]:
        payload = {"errorMessage": message, "errorType": "ArchiveRunFailed"}
        return {"Payload": io.BytesIO(json.dumps(payload).encode()), "FunctionError": "Unhandled"}

    return answer


def refused(event: dict[str, Any]) -> dict[str, Any]:
    error = {"Error": {"Code": "ResourceNotFoundException", "Message": "Function not found"}}
    raise ClientError(error, "Invoke")


class ScriptedLambda:
    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers
        self.events: list[dict[str, Any]] = []

    def invoke(self, **call: Any) -> dict[str, Any]:
        event = json.loads(call["Payload"])
        self.events.append(event)
        return self.answers[event["trigger_date"]](event)


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, Answer]], ScriptedLambda]:
    def install(answers: dict[str, Answer]) -> ScriptedLambda:
        fake = ScriptedLambda(answers)
        monkeypatch.setattr(triggers_commands, "lambda_target", lambda *_: ("archive-fn", fake))
        return fake

    return install


def run(tmp_path: Path, *args: str) -> Result:
    state = ["--state-dir", str(tmp_path)]
    runner = CliRunner(env={"COLUMNS": "200"})
    return runner.invoke(app, ["triggers", "run", *args, *state], catch_exceptions=False)


def test_every_day_is_invoked_in_order_with_the_chosen_clients(
    tmp_path: Path, scripted: Callable[[dict[str, Answer]], ScriptedLambda]
) -> None:
    days = ["2026-12-01", "2026-12-02"]
    fake = scripted(dict.fromkeys(days, ok()))

    result = run(tmp_path, "--from", days[0], "--to", days[1], "--client", "7", "--client", "5")

    assert result.exit_code == 0, result.output
    assert fake.events == [{"trigger_date": day, "client_ids": [7, 5]} for day in days]


def test_a_failed_day_does_not_stop_the_next_and_exits_2(
    tmp_path: Path, scripted: Callable[[dict[str, Answer]], ScriptedLambda]
) -> None:
    failure = FailedClient(client_id=5, client_name="Eastgate", error="HTTP 500")
    fake = scripted(
        {
            "2026-12-01": function_error("none of 8 clients archived"),
            "2026-12-02": ok(207, errors=[failure]),
            "2026-12-03": ok(),
        }
    )

    result = run(tmp_path, "--from", "2026-12-01", "--to", "2026-12-03", "--json")

    assert result.exit_code == 2, result.output
    assert len(fake.events) == 3
    first, second, third = json.loads(result.stdout)
    assert first == {
        "trigger_date": "2026-12-01",
        "function_error": "Unhandled",
        "errorMessage": "none of 8 clients archived",
        "errorType": "ArchiveRunFailed",
    }
    assert second["errors"] == [failure.model_dump()]
    assert third["failed_archives"] == 0


def test_a_207_alone_exits_1(
    tmp_path: Path, scripted: Callable[[dict[str, Answer]], ScriptedLambda]
) -> None:
    scripted({"2026-12-01": ok(207, not_attempted=3)})

    result = run(tmp_path, "--date", "2026-12-01")

    assert result.exit_code == 1, result.output
    assert "207 some clients failed" in result.output


def test_lambda_refusing_the_call_stops_after_the_days_done(
    tmp_path: Path, scripted: Callable[[dict[str, Answer]], ScriptedLambda]
) -> None:
    fake = scripted({"2026-12-01": ok(), "2026-12-02": refused, "2026-12-03": ok()})

    result = run(tmp_path, "--from", "2026-12-01", "--to", "2026-12-03")

    assert result.exit_code == 2, result.output
    assert [event["trigger_date"] for event in fake.events] == ["2026-12-01", "2026-12-02"]
    assert "2026-12-01" in result.output
    text = " ".join(result.output.split())
    assert "could not invoke archive-fn for 2026-12-02" in text
    assert "Function not found" in text
