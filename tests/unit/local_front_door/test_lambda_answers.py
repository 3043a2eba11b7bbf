"""Invoke answers in the shape Lambda gives them, which botocore and the AWS CLI parse."""

from __future__ import annotations

import base64
import json

from strongroom.local.front_door import lambda_answers
from strongroom.local.specs import FunctionError, InvocationResult


def _result(payload: object = None, error: FunctionError | None = None) -> InvocationResult:
    return InvocationResult(
        function_name="orders", request_id="req-1", payload=payload, error=error, duration_ms=3.0
    )


def test_a_result_is_the_body_with_the_executed_version() -> None:
    answer = lambda_answers.invoked(_result({"total": 7}))

    assert answer.status == 200
    assert json.loads(answer.body) == {"total": 7}
    assert answer.header("X-Amz-Executed-Version") == "$LATEST"
    assert answer.header("x-amzn-RequestId") == "req-1"
    assert answer.header("X-Amz-Function-Error") is None
    assert answer.header("X-Amz-Log-Result") is None


def test_a_function_returning_nothing_answers_null() -> None:
    assert lambda_answers.invoked(_result(None)).body == b"null"


def test_a_function_error_is_unhandled_with_lambdas_error_payload() -> None:
    trace = ('  File "handler.py", line 3, in handler\n',)
    answer = lambda_answers.invoked(
        _result(error=FunctionError("KeyError", "'order'", stack_trace=trace))
    )

    assert answer.status == 200
    assert answer.header("X-Amz-Function-Error") == "Unhandled"
    assert json.loads(answer.body) == {
        "errorMessage": "'order'",
        "errorType": "KeyError",
        "requestId": "req-1",
        "stackTrace": list(trace),
    }


def test_the_log_tail_is_the_last_4_kb_in_base64() -> None:
    log = b"a" * 10 + b"b" * lambda_answers.TAIL_BYTES

    answer = lambda_answers.invoked(_result({}), log_tail=log)

    encoded = answer.header("X-Amz-Log-Result")
    assert encoded is not None
    assert base64.b64decode(encoded) == b"b" * lambda_answers.TAIL_BYTES


def test_a_refusal_is_lambdas_error_shape() -> None:
    answer = lambda_answers.refusal(404, "ResourceNotFoundException", "Function not found", "r")

    assert answer.status == 404
    assert answer.header("x-amzn-ErrorType") == "ResourceNotFoundException"
    assert json.loads(answer.body) == {"Type": "User", "Message": "Function not found"}


def test_a_service_side_refusal_is_typed_service() -> None:
    answer = lambda_answers.refusal(503, "ServiceException", "not running", "r")

    assert json.loads(answer.body)["Type"] == "Service"


def test_event_and_dry_run_answers_have_no_body() -> None:
    assert (lambda_answers.accepted("r").status, lambda_answers.accepted("r").body) == (202, b"")
    assert (lambda_answers.dry_run("r").status, lambda_answers.dry_run("r").body) == (204, b"")
