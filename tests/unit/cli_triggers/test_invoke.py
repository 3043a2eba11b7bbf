"""Lambda's answers to an Invoke, read as one day's run."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

from strongroom.cli.triggers_invoke import day_run, invoke_day
from tests.unit.cli_triggers.support import result_body

DAY = date(2026, 12, 3)


class RecordingLambda:
    """Answers Invoke as Lambda does, and keeps what it was asked."""

    def __init__(self, payload: dict[str, Any], function_error: str | None = None) -> None:
        self.payload = payload
        self.function_error = function_error
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **call: Any) -> dict[str, Any]:
        self.calls.append(call)
        answer: dict[str, Any] = {
            "StatusCode": 200,
            "Payload": io.BytesIO(json.dumps(self.payload).encode()),
        }
        if self.function_error is not None:
            answer["FunctionError"] = self.function_error
        return answer


def test_invoke_day_sends_the_event_and_waits_for_the_result() -> None:
    body = result_body(DAY, unchanged=3)
    client = RecordingLambda({"statusCode": 200, "body": body})
    ticks = iter([10.0, 14.5])

    run = invoke_day(client, "dex-trigger-response-archive", DAY, {"trigger_date": "2026-12-03"},
                     clock=lambda: next(ticks))  # fmt: skip

    (call,) = client.calls
    assert call["FunctionName"] == "dex-trigger-response-archive"
    assert call["InvocationType"] == "RequestResponse"
    assert json.loads(call["Payload"]) == {"trigger_date": "2026-12-03"}
    assert run.status_code == 200
    assert run.body == body
    assert run.seconds == 4.5
    assert run.day == "2026-12-03"
    assert not run.failed
    assert run.error_message == ""
    assert run.as_json() == body


def test_a_function_error_keeps_lambdas_message() -> None:
    payload = {
        "errorMessage": "trigger archive 2026-12-03: none of 8 clients archived",
        "errorType": "ArchiveRunFailed",
        "requestId": "r-1",
        "stackTrace": ["..."],
    }
    client = RecordingLambda(payload, function_error="Unhandled")

    run = invoke_day(client, "f", DAY, {"trigger_date": "2026-12-03"})

    assert run.failed
    assert run.status_code is None
    assert run.function_error == "Unhandled"
    assert run.error_message == (
        "ArchiveRunFailed: trigger archive 2026-12-03: none of 8 clients archived"
    )
    assert run.as_json() == {"trigger_date": "2026-12-03", "function_error": "Unhandled", **payload}


def test_a_207_is_a_result_not_a_failure() -> None:
    body = result_body(DAY, not_attempted=2)

    run = day_run(DAY, json.dumps({"statusCode": 207, "body": body}).encode(), None, 1.0)

    assert run.status_code == 207
    assert not run.failed
    assert run.error_message == ""


def test_a_refused_event_shows_the_functions_message() -> None:
    refusal = {"message": "trigger_date: must be a date written YYYY-MM-DD", "errors": []}

    run = day_run(None, json.dumps({"statusCode": 400, "body": refusal}).encode(), None, 0.1)

    assert run.status_code == 400
    assert run.day == "today"
    assert run.error_message == "trigger_date: must be a date written YYYY-MM-DD"


def test_the_day_is_the_functions_own_when_it_chose_today() -> None:
    body = result_body(date(2026, 12, 4))

    run = day_run(None, json.dumps({"statusCode": 200, "body": body}).encode(), None, 0.1)

    assert run.requested is None
    assert run.day == "2026-12-04"


def test_a_body_serialised_as_text_is_read_as_json() -> None:
    body = result_body(DAY)

    run = day_run(DAY, json.dumps({"statusCode": 200, "body": json.dumps(body)}).encode(), None, 0)

    assert run.body == body


def test_an_answer_that_is_not_a_result_is_a_failed_invocation() -> None:
    run = day_run(DAY, b'"done"', None, 0.1)

    assert run.failed
    assert run.error_message == "UnexpectedAnswer: not a result: 'done'"


def test_a_function_error_without_json_keeps_the_text() -> None:
    run = day_run(DAY, b"Task timed out after 900.00 seconds", "Unhandled", 900.0)

    assert run.error_message == "error: Task timed out after 900.00 seconds"
