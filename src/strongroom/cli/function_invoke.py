"""Invoking a system's function through Lambda's Invoke API and reading what Lambda answered.

Locally the running stack's AWS endpoint answers Invoke and runs the function in the local
runtime; on AWS the real Lambda does. Either way the answer is Lambda's: the function's result,
or ``FunctionError`` with Lambda's error payload when the invocation failed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.config import Config

FUNCTION_TIMEOUT_SECONDS = 900
INVOKE_CONFIG = Config(
    # The call waits for the whole run; a retry would start a second run.
    read_timeout=FUNCTION_TIMEOUT_SECONDS + 60,
    connect_timeout=10,
    retries={"total_max_attempts": 1},
)


@dataclass(frozen=True)
class FunctionResult:
    status_code: int | None
    """The function's ``statusCode``; ``None`` when the invocation failed (FunctionError)."""
    body: Mapping[str, Any]
    """The function's ``body``, or Lambda's error payload (``errorType``, ``errorMessage``)."""
    function_error: str | None
    """Lambda's ``FunctionError`` (``Unhandled``) when the invocation failed."""
    seconds: float
    """How long the invocation took, as the CLI saw it."""


def read_result(payload: bytes, function_error: str | None, seconds: float) -> FunctionResult:
    """Lambda's answer to one invocation: the function's ``statusCode`` and ``body`` (a body
    sent as JSON text is read), or the error payload of a failed invocation."""
    try:
        answer = json.loads(payload or b"null")
    except ValueError:
        answer = None
    if function_error is not None:
        error = (
            answer
            if isinstance(answer, dict)
            else {"errorMessage": payload.decode(errors="replace")}
        )
        return FunctionResult(None, error, function_error, seconds)
    if not isinstance(answer, dict) or not isinstance(answer.get("statusCode"), int):
        unexpected = {"errorType": "UnexpectedAnswer", "errorMessage": f"not a result: {answer!r}"}
        return FunctionResult(None, unexpected, "UnexpectedAnswer", seconds)
    body = answer.get("body")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            body = {"message": body}
    return FunctionResult(
        answer["statusCode"], body if isinstance(body, dict) else {}, None, seconds
    )


def invoke_and_wait(
    client: Any,
    function_name: str,
    event: Mapping[str, Any],
    clock: Callable[[], float] = time.monotonic,
) -> FunctionResult:
    """Invoke (RequestResponse) and wait for the run to finish. Raises botocore's errors when
    Lambda could not be asked at all (unknown function, no endpoint, no permission)."""
    started = clock()
    answer = client.invoke(
        FunctionName=function_name,
        InvocationType="RequestResponse",
        Payload=json.dumps(event).encode(),
    )
    payload = answer["Payload"].read()
    return read_result(payload, answer.get("FunctionError"), clock() - started)
